/** Test support: a throwaway project directory from a map of relative path → file content. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempProject { dir: string; file: (rel: string) => string; remove: () => void }

export function makeProject(files: Record<string, string | object>): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-config-'));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { dir, file: (rel) => join(dir, rel), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
