/** Runs the built CLI (dist/cli/main.js) as a child process: no TTY, stdin closed, CI=true. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_PATH = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

export interface CliOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** A CLI process still running: its output so far, and a promise of how it ended. */
export interface RunningCli {
  child: ChildProcess;
  output(): string;
  done: Promise<CliResult>;
  /** Resolves when stdout+stderr so far match `pattern`; rejects when the process ends first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Fails loudly when vitest was not started with Node 24 first on PATH (the CLI needs it). */
export function requireNode24(): void {
  if (!process.versions.node.startsWith('24.')) {
    throw new Error(`e2e tests need Node 24 as process.execPath, got ${process.versions.node} (${process.execPath}); run vitest with PATH=$PWD/node_modules/.bin:$PATH`);
  }
}

export function startCli(args: readonly string[], opts: CliOptions): RunningCli {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => { for (const l of listeners) l(); };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; notify(); });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; notify(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 150_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      notify();
      resolve({ args, code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
  let exited = false;
  void done.then(() => { exited = true; notify(); }, () => {});
  const output = () => stdout + stderr;
  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (pattern.test(output())) finish(resolve);
      else if (exited) finish(() => reject(new Error(`CLI exited before printing ${pattern}:\n${output()}`)));
    };
    const t = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${output()}`))), timeoutMs);
    const finish = (f: () => void) => { clearTimeout(t); listeners.delete(check); f(); };
    listeners.add(check);
    check();
  });
  return { child, output, done, waitForOutput };
}

export function runCli(args: readonly string[], opts: CliOptions): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** For assertion messages: the whole exchange, so a failure shows what the CLI said. */
export function describeRun(r: CliResult): string {
  return `omnitron ${r.args.join(' ')} → exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
