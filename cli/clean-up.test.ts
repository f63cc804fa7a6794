import { describe, expect, it } from 'vitest';
import type { Output } from './output.js';
import { cleanUp } from './session.js';

describe('cleanUp', () => {
  it('runs every step when one fails, and reports the failure as a warning', async () => {
    const warned: string[] = [];
    const out = { color: false, tty: false, print: () => {}, warn: (t: string) => warned.push(t), diagnostics: () => {} } satisfies Output;
    const ran: string[] = [];
    await cleanUp(out, [
      ['closing connections', async () => { ran.push('close'); throw new Error('socket hang up'); }],
      ['closing the progress view', () => { ran.push('view'); }],
    ]);
    expect(ran).toEqual(['close', 'view']);
    expect(warned).toEqual(['Warning: closing connections failed: socket hang up']);
  });
});
