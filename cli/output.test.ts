import { describe, expect, it } from 'vitest';
import { isRichTerminal } from './output.js';

describe('isRichTerminal', () => {
  it('is a terminal with nothing asking for plain output', () => {
    expect(isRichTerminal({ TERM: 'xterm-256color' }, true)).toBe(true);
  });

  it('is plain when stdout is not a terminal', () => {
    expect(isRichTerminal({ TERM: 'xterm-256color' }, false)).toBe(false);
  });

  it.each([
    ['NO_COLOR', { NO_COLOR: '1' }],
    ['TERM=dumb', { TERM: 'dumb' }],
    ['CI', { CI: 'true' }],
  ])('is plain on a terminal with %s', (_name, env) => {
    expect(isRichTerminal({ TERM: 'xterm', ...env }, true)).toBe(false);
  });

  it('ignores an empty NO_COLOR, as no-color.org says', () => {
    expect(isRichTerminal({ TERM: 'xterm', NO_COLOR: '' }, true)).toBe(true);
  });
});
