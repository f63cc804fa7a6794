/** Plain ANSI SGR codes; the caller decides whether colour is on (NO_COLOR, TTY). */
const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2, inverse: 7 } as const;

export type Style = keyof typeof CODES;

export type Painter = (style: Style, text: string) => string;

export function painter(color: boolean): Painter {
  if (!color) return (_style, text) => text;
  return (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m`;
}
