/**
 * Golden files for rendered output: compared byte for byte, rewritten with UPDATE_GOLDENS=1, and a
 * missing one is an error that says how to create it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function goldensIn(dir: string): (file: string, actual: string) => void {
  return (file, actual) => {
    const path = dir + file;
    if (process.env.UPDATE_GOLDENS === '1') {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, actual);
      return;
    }
    if (!existsSync(path)) throw new Error(`missing golden ${path}; run with UPDATE_GOLDENS=1 to create it`);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  };
}
