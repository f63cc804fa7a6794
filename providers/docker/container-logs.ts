/** Reading a container's recent output for error messages, with secrets scrubbed out. Pure helpers are exported for tests. */
import type Docker from 'dockerode';

/** Env values this short are too likely to be ordinary words or numbers to scrub. */
const MIN_SECRET_LENGTH = 8;
export const REDACTED = '[redacted]';

/** Docker's multiplexed log stream: 8-byte header (stream, 0, 0, 0, size BE) then payload. Raw text passes through. */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const stream = buf[offset];
    const size = buf.readUInt32BE(offset + 4);
    if (stream > 2 || buf[offset + 1] !== 0 || offset + 8 + size > buf.length) return buf.toString('utf8');
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === buf.length ? Buffer.concat(parts).toString('utf8') : buf.toString('utf8');
}

/** Replaces every occurrence of any env value of 8+ characters: env is where we pass secrets. */
export function redactor(env: Record<string, string>): (text: string) => string {
  const secrets = [...new Set(Object.values(env))].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

export function lastLines(text: string, count: number): string[] {
  return text.replace(/\s+$/, '').split('\n').slice(-count).filter((l) => l.length > 0);
}

export async function tailLogs(container: Docker.Container, count = 20): Promise<string[]> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false, tail: count })) as unknown as Buffer | string;
    return lastLines(Buffer.isBuffer(raw) ? demuxLogs(raw) : raw, count);
  } catch {
    return [];
  }
}
