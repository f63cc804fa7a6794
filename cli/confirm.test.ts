import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmApply } from './confirm.js';

function answer(input: string | null): Promise<boolean> {
  const stdin = new PassThrough();
  const asked = confirmApply('Apply?', stdin, new PassThrough());
  if (input === null) stdin.end();
  else stdin.end(input);
  return asked;
}

describe('the plain approval prompt', () => {
  it('approves on exactly yes', async () => {
    expect(await answer('yes\n')).toBe(true);
    expect(await answer('  yes  \n')).toBe(true);
    expect(await answer('y\n')).toBe(false);
    expect(await answer('YES\n')).toBe(false);
  });

  it('takes input that ends before a line (CI with no stdin) as no, instead of waiting forever', async () => {
    expect(await answer(null)).toBe(false);
    expect(await answer('')).toBe(false);
  });
});
