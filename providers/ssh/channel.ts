/** One command over one SSH session channel: stdin written and closed, stdout/stderr collected as bytes. */
import type { Client, ClientChannel } from 'ssh2';

export interface RawResult {
  code: number;
  signal?: string;
  stdout: Buffer;
  stderr: Buffer;
}

/** Rejected when the channel ends without an exit status (the connection dropped under it). */
export class ChannelLost extends Error {}

const SESSION_RETRIES = 50;

/**
 * sshd refuses sessions past its MaxSessions and frees a closed one only on its next loop, so a session
 * opened right after another closed can be refused: wait a moment and retry (for about 4 s in all).
 */
export async function retryRefusedSession<T>(open: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (err) {
      if (!refusedSession(err) || attempt >= SESSION_RETRIES || signal?.aborted) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * attempt, 100)));
    }
  }
}

/** OpenSSH answers "open failed" (SSH_OPEN_CONNECT_FAILED); others say "administratively prohibited". */
function refusedSession(err: unknown): boolean {
  const reason = err instanceof Error ? (err as Error & { reason?: unknown }).reason : undefined;
  return reason === 1 || reason === 2;
}

export function runChannel(client: Client, command: string, stdin?: string | Buffer, signal?: AbortSignal): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      collect(channel, signal).then(resolve, reject);
      channel.end(stdin);
    });
  });
}

function collect(channel: ClientChannel, signal?: AbortSignal): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exit: { code: number | null; signal?: string } | undefined;
    const onAbort = () => {
      // Only the wait stops: sshd on Debian 12 refuses channel signals ("session signalling requires
      // privilege separation"), so the remote process runs on; bound long commands with timeout(1).
      channel.close();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null, signalName?: string) => { exit = { code, signal: signalName }; });
    channel.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (!exit) return reject(new ChannelLost('the channel closed without an exit status'));
      resolve({ code: exit.code ?? -1, signal: exit.signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
  });
}
