/**
 * Golden diagnostics for every case under test/config/malformed/: load the case's config (with its
 * options.json: { strict?, stack?, files? }), resolve the stack when loading succeeds and check it
 * as plan would (checkStackModel, and with `files` checkStackFiles: checkedStack runs both;
 * most cases have no build output), render every diagnostic
 * with formatDiagnostic and compare with expected.txt (case directory shown as `<case>`).
 * UPDATE_GOLDENS=1 rewrites the expected files.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { findConfigFile } from './find-config.js';
import { loadEcosystem } from './load-ecosystem.js';
import { resolveStack } from './resolve-stack.js';
import { checkStackModel } from './stack-checks.js';
import { checkStackFiles } from './stack-files.js';

const casesDir = fileURLToPath(new URL('../../test/config/malformed/', import.meta.url));
const cases = readdirSync(casesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

async function render(dir: string): Promise<string> {
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) as { strict?: boolean; stack?: string; files?: boolean } : {};
  const loaded = await loadEcosystem({ file: findConfigFile(dir), strict: options.strict });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const resolved = loaded.ecosystem && resolveStack(loaded.ecosystem, options.stack);
  if (resolved) diagnostics.push(...resolved.diagnostics);
  if (resolved?.model && !hasErrors(resolved.diagnostics)) diagnostics.push(...checkStackModel(loaded.ecosystem!, resolved.model));
  if (resolved?.model && options.files) diagnostics.push(...checkStackFiles(loaded.ecosystem!, resolved.model));
  return diagnostics.map(formatDiagnostic).join('\n').replaceAll(dir, '<case>');
}

describe('malformed configs', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(casesDir, name);
    const actual = await render(dir);
    const expectedFile = join(dir, 'expected.txt');
    if (process.env.UPDATE_GOLDENS) writeFileSync(expectedFile, `${actual}\n`);
    expect(actual).not.toBe('');
    expect(actual).toBe(readFileSync(expectedFile, 'utf8').trimEnd());
  });
});
