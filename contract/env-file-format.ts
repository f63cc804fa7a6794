/**
 * The env file format: `KEY="value"` lines sorted by key, double-quoted with backslash escapes for
 * `\`, `"`, newline, carriage return and `$` (dotenv/dotenv-expand semantics), so any value survives a
 * round trip and nothing is expanded by shells or loaders. The parser reads exactly that back, and
 * tolerates hand edits: unquoted or single-quoted values, `export `, comments, blank lines.
 */
export const ENV_HEADER = '# Managed by omnitron: edits show up as drift and are reverted by `omnitron apply`.';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidKey(key: string): boolean {
  return KEY.test(key);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', $: '\\$' };
const UNESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', $: '$' };

export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"\n\r$]/g, (c) => ESCAPES[c])}"`;
}

export function formatEnv(variables: Readonly<Record<string, string>>): string {
  const keys = Object.keys(variables).sort();
  for (const key of keys) if (!isValidKey(key)) throw new Error(`invalid variable name ${JSON.stringify(key)}`);
  return [ENV_HEADER, ...keys.map((k) => `${k}=${quoteValue(variables[k])}`)].join('\n') + '\n';
}

/** A double-quoted value starting at text[0] === '"'; unknown escapes are kept as written. */
function readDoubleQuoted(text: string): string {
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return out;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i];
      out += UNESCAPES[next] ?? `\\${next}`;
    } else {
      out += c;
    }
  }
  return out;
}

function readValue(raw: string): string {
  const text = raw.trim();
  if (text.startsWith('"')) return readDoubleQuoted(text);
  if (text.startsWith("'")) {
    const end = text.indexOf("'", 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  const comment = text.search(/\s#/);
  return (comment === -1 ? text : text.slice(0, comment)).trim();
}

/** Later assignments win, as in a shell. Built through a Map so a key like `__proto__` stays data. */
export function parseEnv(text: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(line);
    if (m) out.set(m[1], readValue(m[2]));
  }
  return Object.fromEntries(out);
}
