/**
 * A real terminal for the CLI: a tmux server of its own (private socket), one window per command,
 * keys sent with send-keys and the screen read with capture-pane. Waits poll the screen for text with
 * generous deadlines, so a loaded machine only makes them slower, never wrong.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { waitFor } from '../../support/wait.js';

const run = promisify(execFile);

export interface TmuxWindow {
  /** The screen and its scrollback as text; `escapes` keeps the colours (SGR codes). */
  capture(opts?: { escapes?: boolean }): Promise<string>;
  /** tmux key names (`Enter`, `C-c`) or literal text. */
  sendKeys(...keys: string[]): Promise<void>;
  /** Resolves with the screen once `pattern` is on it (or `pattern(screen)` holds). */
  waitFor(pattern: RegExp | ((screen: string) => boolean), what: string, timeoutMs?: number): Promise<string>;
}

export interface Tmux {
  /**
   * Runs `argv` in a new session of `columns`×`rows` in `cwd`, with the test's environment plus `set`
   * and without `unset`; when it ends the screen shows `[exit N]` and stays.
   */
  open(name: string, argv: readonly string[], opts: WindowOptions): Promise<TmuxWindow>;
  close(): Promise<void>;
}

export interface WindowOptions {
  cwd: string;
  set?: Record<string, string>;
  unset?: readonly string[];
  columns?: number;
  rows?: number;
}

export async function tmuxAvailable(): Promise<boolean> {
  return run('tmux', ['-V']).then(() => true, () => false);
}

export function startTmux(): Tmux {
  const socket = `omnitron-e2e-${randomBytes(4).toString('hex')}`;
  const tmux = (args: string[]) => run('tmux', ['-L', socket, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return {
    async open(name, argv, opts) {
      // The window's shell command is built from quoted words: no value is pasted into it unquoted.
      // Sessions get the server's environment, not this client's: what differs is set on the command itself.
      const env = ['env', ...(opts.unset ?? []).flatMap((v) => ['-u', v]), ...Object.entries(opts.set ?? {}).map(([k, v]) => `${k}=${v}`)];
      const command = `${[...env, ...argv].map(shellQuote).join(' ')}; echo "[exit $?]"; sleep 86400`;
      const size = ['-x', String(opts.columns ?? 120), '-y', String(opts.rows ?? 60)];
      await tmux(['new-session', '-d', '-s', name, ...size, '-c', opts.cwd, command]);
      const target = `${name}:0`;
      const window: TmuxWindow = {
        capture: async (o = {}) => (await tmux(['capture-pane', '-p', '-J', '-S', '-', ...(o.escapes ? ['-e'] : []), '-t', target])).stdout,
        sendKeys: async (...keys) => { await tmux(['send-keys', '-t', target, ...keys]); },
        waitFor: (pattern, what, timeoutMs = 180_000) => waitFor(async () => {
          const screen = await window.capture();
          return (typeof pattern === 'function' ? pattern(screen) : pattern.test(screen)) ? screen : undefined;
        }, `${what} on the terminal`, timeoutMs, 250).catch(async (err: Error) => {
          throw new Error(`${err.message}\n--- screen\n${await window.capture().catch(() => '(gone)')}`);
        }),
      };
      return window;
    },
    close: async () => { await tmux(['kill-server']).catch(() => undefined); },
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
