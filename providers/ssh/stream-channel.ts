/**
 * One command over one SSH session channel with stdout delivered as it arrives (`logs --follow`).
 * sshd on Debian 12 refuses channel signals and leaves a command without a terminal running when its
 * channel closes, so the command starts as `sh -c 'echo $$; exec "$@"' sh ARGV…`: it reports its pid
 * on the first line, and aborting kills that pid (through another session) before closing the channel.
 */
import type { Client, ClientChannel } from 'ssh2';
import { ChannelLost } from './channel.js';

const REPORT_PID = 'echo $$; exec "$@"';

/** `argv` run by a shell that first prints its pid, which the exec'd command keeps. */
export function withPidReport(argv: readonly string[]): string[] {
  return ['sh', '-c', REPORT_PID, 'sh', ...argv];
}

export interface StreamChannelOptions {
  stdin?: string | Buffer;
  onStdout: (chunk: Buffer) => void;
  signal?: AbortSignal;
  /** Stops the remote command; called on abort once its pid is known. */
  kill: (pid: number) => Promise<unknown>;
}

export interface RawStreamResult {
  code: number;
  signal?: string;
  stderr: Buffer;
}

export function streamChannel(client: Client, command: string, opts: StreamChannelOptions): Promise<RawStreamResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      follow(channel, opts).then(resolve, reject);
      channel.end(opts.stdin);
    });
  });
}

/** How long an abort waits for the pid line (it comes first, so only a very early abort waits). */
const PID_WAIT_MS = 2_000;
/** sshd keeps a channel open while its command lives; if the kill did not land, stop waiting anyway. */
const CLOSE_WAIT_MS = 3_000;

function follow(channel: ClientChannel, opts: StreamChannelOptions): Promise<RawStreamResult> {
  return new Promise((resolve, reject) => {
    const stderr: Buffer[] = [];
    const stdout = pidSplitter(opts.onStdout);
    let exit: { code: number | null; signal?: string } | undefined;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      void stdout.waitPid(PID_WAIT_MS)
        .then((pid) => (pid === undefined ? undefined : opts.kill(pid)))
        .catch(() => undefined)
        .then(() => {
          channel.close();
          setTimeout(() => settle(() => reject(opts.signal!.reason)), CLOSE_WAIT_MS).unref();
        });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', stdout.write);
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null, signalName?: string) => { exit = { code, signal: signalName }; });
    channel.on('close', () => settle(() => {
      if (opts.signal?.aborted) reject(opts.signal.reason);
      else if (!exit) reject(new ChannelLost('the channel closed without an exit status'));
      else resolve({ code: exit.code ?? -1, signal: exit.signal, stderr: Buffer.concat(stderr) });
    }));
  });
}

/** Takes the pid line off the front of stdout and passes the rest on untouched. */
export function pidSplitter(onStdout: (chunk: Buffer) => void) {
  let head: Buffer | undefined = Buffer.alloc(0);
  let pid: number | undefined;
  const waiters: Array<() => void> = [];
  const write = (chunk: Buffer) => {
    if (!head) return onStdout(chunk);
    head = Buffer.concat([head, chunk]);
    const newline = head.indexOf(0x0a);
    if (newline < 0) return;
    const first = head.subarray(0, newline).toString('latin1');
    const rest = /^\d+$/.test(first) ? head.subarray(newline + 1) : head;
    if (rest !== head) pid = Number(first);
    head = undefined;
    waiters.splice(0).forEach((wake) => wake());
    if (rest.length > 0) onStdout(rest);
  };
  /** The pid once known, or undefined after `ms` (or when the first line was not a pid). */
  const waitPid = (ms: number) => new Promise<number | undefined>((resolve) => {
    if (!head) return resolve(pid);
    const timer = setTimeout(() => resolve(pid), ms);
    waiters.push(() => { clearTimeout(timer); resolve(pid); });
  });
  return { write, pid: () => pid, waitPid };
}
