/**
 * Loads a user's omnitron.config.{ts,mts,cts,js,mjs,cjs} with no build step, accepting what the
 * daemon's tsx accepts (config-module-hooks.ts), with `@omnitron-dev/omnitron` (and `/config`) mapped
 * to our own define module, so files written for the real Omnitron load unchanged. Failures become a
 * UserError naming the file and line, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ownModuleUrl } from '../../contract/package-files.js';
import { UserError, error, type Diagnostic } from '../diagnostics.js';
import { withConfigHooks } from './config-module-hooks.js';
import { forgetTsconfigs } from './config-source-files.js';
import { ConfigSyntaxError } from './transform-config-source.js';

export const PACKAGE_SPECIFIERS = ['@omnitron-dev/omnitron', '@omnitron-dev/omnitron/config'] as const;

let loads = 0;

/** Our define module: compiled `define.js` in the build, or `define.ts` when running from source. */
export function defineModuleUrl(): string {
  return ownModuleUrl('planner/config/define').href;
}

/** The config's default export, else its module namespace as a plain object. */
export async function importConfig(file: string): Promise<unknown> {
  if (!existsSync(file)) throw new UserError(error(`config file ${file} does not exist`, { detail: 'check the path given to -c' }));
  forgetTsconfigs();
  const namespace = await withConfigHooks(PACKAGE_SPECIFIERS, defineModuleUrl(), async (): Promise<Record<string, unknown>> => {
    try {
      // A fresh URL for each load in a process, so a long-lived one (watch, tests) sees edits; the
      // same URL for the first load of every run, so Node's compile cache finds the config again
      // rather than writing one more entry each run. Not `?t=`: vite's module runner strips that one.
      return await import(`${pathToFileURL(file).href}?omnitron-load=${++loads}`);
    } catch (e) {
      throw new UserError(loadFailure(file, e instanceof Error ? e : new Error(String(e))));
    }
  });
  const exported = namespace.default !== undefined ? namespace.default : { ...namespace };
  return compiledDefault(exported);
}

/** A CommonJS config compiled from `export default` (a `.cts`) exports `{ __esModule, default }`. */
function compiledDefault(exported: unknown): unknown {
  const object = exported as { __esModule?: unknown; default?: unknown } | null;
  return object && typeof object === 'object' && object.__esModule === true && 'default' in object ? object.default : exported;
}

function loadFailure(file: string, err: Error): Diagnostic {
  if (err instanceof ConfigSyntaxError) return failure(err.file, 'SyntaxError', err.message, err.line);
  const syntax = /\.[cm]?js$/.test(file) ? checkSyntax(file) : undefined;
  if (syntax) return failure(file, 'SyntaxError', syntax.message, syntax.line);
  const where = placeIn(err, file);
  return failure(where?.file ?? file, err.name, err.message.split('\n')[0], where?.line);
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

/**
 * Where in the user's files the error was thrown: the config file's line from the stack, else the
 * first frame in another file of the project (a module the config imports), never node_modules.
 */
function placeIn(err: Error, file: string): { file: string; line: number } | undefined {
  const stack = err.stack ?? '';
  for (const where of [pathToFileURL(file).href, file]) {
    const m = new RegExp(`${escape(where)}(?:\\?[^:\\s]*)?:(\\d+)`).exec(stack);
    if (m) return { file, line: Number(m[1]) };
  }
  const project = dirname(file);
  for (const m of stack.matchAll(/(file:\/\/[^\s):?]+|\/[^\s):?]+)(?:\?[^:\s]*)?:(\d+):\d+/g)) {
    const path = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    if (path.startsWith(`${project}/`) && !path.includes('/node_modules/')) return { file: path, line: Number(m[2]) };
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
