/**
 * Unit files we generate: systemd's own quoting for ExecStart, and a service template with restart
 * and hardening settings chosen on purpose. Values are escaped for systemd (`%` specifiers, `$`
 * expansion in command lines), never for a shell: systemd runs ExecStart without one.
 */

// Words made only of these need no quotes: no whitespace, quotes, backslash, `%`, `$` or `;`.
const PLAIN_WORD = /^[A-Za-z0-9_+=:,./@-]+$/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '%': '%%', $: '$$' };
const UNIT_KEY = /^[A-Z][A-Za-z]*$/;
const USER_NAME = /^[a-z_][a-z0-9_-]*[$]?$/;

/** One word as systemd.syntax(7) reads it back: double-quoted with C escapes, `%%` for `%`, `$$` for `$`. */
export function systemdQuoteWord(word: string): string {
  if (word.includes('\0')) throw new Error('a unit file value cannot contain a NUL byte');
  if (PLAIN_WORD.test(word)) return word;
  const body = [...word].map((ch) => ESCAPES[ch] ?? (ch < ' ' || ch === '\x7f' ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch)).join('');
  return `"${body}"`;
}

/** An ExecStart= value that systemd parses back into exactly `argv` (argv[0] absolute, so no prefix like `-` or `@` is read). */
export function systemdQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('ExecStart needs at least the program');
  if (!argv[0].startsWith('/')) throw new Error(`ExecStart program must be an absolute path, got ${JSON.stringify(argv[0])}`);
  return argv.map(systemdQuoteWord).join(' ');
}

/** A single-line setting value: `%` escaped (specifiers expand in nearly every setting), no line breaks. */
function settingValue(value: string, what: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`${what} cannot contain line breaks: ${JSON.stringify(value)}`);
  if (value.trim() !== value) throw new Error(`${what} cannot start or end with whitespace: ${JSON.stringify(value)}`);
  return value.replaceAll('%', '%%');
}

function absolutePath(value: string, what: string): string {
  if (!value.startsWith('/')) throw new Error(`${what} must be an absolute path, got ${JSON.stringify(value)}`);
  return settingValue(value, what);
}

export interface ServiceUnitOptions {
  description: string;
  execStart: string[];
  user: string;
  group: string;
  workingDirectory?: string;
  environmentFile?: string;
  after?: string[];
  wants?: string[];
  /** Under /var/lib, e.g. `omnitron/auth`; systemd creates it owned by `user`. */
  stateDirectory: string;
  readWritePaths?: string[];
  restartSec?: number;
  /** More [Service] settings; a key that is already set replaces the default line. */
  extra?: Record<string, string>;
}

function unitSection(o: ServiceUnitOptions): string[] {
  const after = ['network-online.target', ...(o.after ?? [])];
  const wants = ['network-online.target', ...(o.wants ?? [])];
  return [
    '[Unit]',
    `Description=${settingValue(o.description, 'description')}`,
    `After=${after.map((u) => settingValue(u, 'after')).join(' ')}`,
    `Wants=${wants.map((u) => settingValue(u, 'wants')).join(' ')}`,
    // A crash loop (10 starts in 5 min, i.e. ~20 s of RestartSec=2 retries) ends in `failed`, which the
    // next plan reports and restarts; occasional crashes stay well under it and are absorbed.
    'StartLimitIntervalSec=300',
    'StartLimitBurst=10',
  ];
}

function stateDirectory(value: string): string {
  if (value.startsWith('/') || value.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`stateDirectory must be a relative path under /var/lib without . or .., got ${JSON.stringify(value)}`);
  }
  return settingValue(value, 'stateDirectory');
}

function identity(name: string, what: string): string {
  if (!USER_NAME.test(name)) throw new Error(`${what} ${JSON.stringify(name)} is not a valid user or group name`);
  return name;
}

function serviceSettings(o: ServiceUnitOptions): Array<[string, string]> {
  const restartSec = o.restartSec ?? 2;
  if (!Number.isFinite(restartSec) || restartSec <= 0) throw new Error(`restartSec must be a positive number of seconds, got ${restartSec}`);
  const settings: Array<[string, string | undefined]> = [
    // exec, not simple: a missing or non-executable program fails the start instead of looking active.
    ['Type', 'exec'],
    ['User', identity(o.user, 'user')],
    ['Group', identity(o.group, 'group')],
    ['WorkingDirectory', o.workingDirectory && absolutePath(o.workingDirectory, 'workingDirectory')],
    ['EnvironmentFile', o.environmentFile && absolutePath(o.environmentFile, 'environmentFile')],
    ['ExecStart', systemdQuote(o.execStart)],
    ['Restart', 'on-failure'],
    ['RestartSec', String(restartSec)],
    // Node gets SIGTERM and 30 s to drain; KillMode=mixed then kills what it left behind.
    ['TimeoutStopSec', '30'],
    ['KillMode', 'mixed'],
    ['StateDirectory', stateDirectory(o.stateDirectory)],
    ['ReadWritePaths', o.readWritePaths?.length ? o.readWritePaths.map((p) => systemdQuoteWord(absolutePath(p, 'readWritePaths'))).join(' ') : undefined],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
    ['RestrictSUIDSGID', 'yes'],
    ['LockPersonality', 'yes'],
    ['UMask', '0027'],
    // No MemoryDenyWriteExecute: V8's JIT needs writable+executable memory and Node aborts under it.
  ];
  return settings.filter((s): s is [string, string] => s[1] !== undefined);
}

function withExtra(settings: Array<[string, string]>, extra: Record<string, string> = {}): Array<[string, string]> {
  const out = [...settings];
  for (const [key, value] of Object.entries(extra)) {
    if (!UNIT_KEY.test(key)) throw new Error(`extra unit setting ${JSON.stringify(key)} is not a systemd setting name`);
    if (key === 'MemoryDenyWriteExecute' && /^(yes|true|on|1)$/i.test(value.trim())) {
      throw new Error('MemoryDenyWriteExecute=yes breaks Node (V8 JIT needs writable executable memory)');
    }
    const line: [string, string] = [key, settingValue(value, `extra ${key}`)];
    const at = out.findIndex(([k]) => k === key);
    if (at >= 0) out[at] = line;
    else out.push(line);
  }
  return out;
}

/** The unit file text for a long-running service; deterministic, so its hash is a stable input. */
export function renderServiceUnit(o: ServiceUnitOptions): string {
  const service = withExtra(serviceSettings(o), o.extra).map(([k, v]) => `${k}=${v}`);
  return [...unitSection(o), '', '[Service]', ...service, '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n');
}
