/**
 * Loads a user's omnitron.config.{ts,js,mjs} with no build step: Node 24 strips TypeScript types
 * itself, and a synchronous resolve hook maps `@omnitron-dev/omnitron` (and `/config`) to our own
 * define module, so files written for the real Omnitron load unchanged. Failures become a UserError
 * naming the file and line, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { UserError, error, type Diagnostic } from '../diagnostics.js';

export const PACKAGE_SPECIFIERS = ['@omnitron-dev/omnitron', '@omnitron-dev/omnitron/config'] as const;

let hooksRegistered = false;
let loads = 0;

/** Our define module: compiled `define.js` next to this file, or `define.ts` when running from source. */
export function defineModuleUrl(): string {
  return new URL(import.meta.url.endsWith('.ts') ? './define.ts' : './define.js', import.meta.url).href;
}

function registerPackageAlias(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const url = defineModuleUrl();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if ((PACKAGE_SPECIFIERS as readonly string[]).includes(specifier)) return { url, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

/** The config's default export, else its module namespace as a plain object. */
export async function importConfig(file: string): Promise<unknown> {
  if (!existsSync(file)) throw new UserError(error(`config file ${file} does not exist`, { detail: 'check the path given to -c' }));
  registerPackageAlias();
  let namespace: Record<string, unknown>;
  try {
    // A fresh URL each time so a long-lived process (watch, tests) sees edits. Not `?t=`: vite's
    // module runner strips that one.
    namespace = await import(`${pathToFileURL(file).href}?omnitron-load=${Date.now()}-${++loads}`);
  } catch (e) {
    throw new UserError(loadFailure(file, e instanceof Error ? e : new Error(String(e))));
  }
  return namespace.default !== undefined ? namespace.default : { ...namespace };
}

function loadFailure(file: string, err: Error): Diagnostic {
  const syntax = file.endsWith('.ts') ? undefined : checkSyntax(file);
  if (syntax) return failure(file, 'SyntaxError', syntax.message, syntax.line);
  return failure(file, err.name, err.message.split('\n')[0], lineOf(err, file));
}

function failure(file: string, name: string, message: string, line: number | undefined): Diagnostic {
  return error(`cannot load the config: ${name}: ${message}`, { detail: fixFor(name, message), file, ...(line ? { line } : {}) });
}

function fixFor(name: string, message: string): string {
  // Node strips types but keeps every plain import, so a type imported without `type` fails to link.
  const missing = /does not provide an export named '([^']+)'/.exec(message);
  if (missing) return `if ${missing[1]} is a type, import it with \`import type { ${missing[1]} }\``;
  return name === 'SyntaxError' ? 'fix the syntax error in the config file' : 'fix the error the config file throws while loading';
}

/** A line in `file` from the error's stack (Node puts TypeScript syntax errors and runtime throws there). */
function lineOf(err: Error, file: string): number | undefined {
  for (const where of [pathToFileURL(file).href, file]) {
    const m = new RegExp(`${escape(where)}(?:\\?[^:\\s]*)?:(\\d+)`).exec(err.stack ?? '');
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * Node keeps a plain-JS syntax error's position out of the caught error (and a test runner's loader may
 * replace the error altogether); `node --check` prints both the message and the line. Only runs on failure.
 */
function checkSyntax(file: string): { message: string; line: number } | undefined {
  const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const line = new RegExp(`${escape(file)}:(\\d+)`).exec(result.stderr ?? '');
  const message = /^SyntaxError: (.*)$/m.exec(result.stderr ?? '');
  return line && message ? { message: message[1], line: Number(line[1]) } : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
