/** The local agent's files as apply and observe read them: its status document and its own log. */
import { open, readFile } from 'node:fs/promises';
import { parseAgentStatus, type AgentStatusDoc } from '../../contract/agent/status.js';

const LOG_TAIL_LINES = 12;
const LOG_TAIL_BYTES = 16 * 1024;

export async function readStatus(file: string): Promise<AgentStatusDoc | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseAgentStatus(text);
}

/** The agent's last log lines (JSON lines about apps and itself, never their environment). */
export async function logTail(file: string): Promise<string> {
  const text = await readFrom(file, -LOG_TAIL_BYTES);
  const lines = text.trimEnd().split('\n').filter(Boolean).slice(-LOG_TAIL_LINES);
  return lines.length > 0 ? `\nlast lines of ${file}:\n${lines.join('\n')}` : '';
}

export async function fileSize(file: string): Promise<number> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return 0;
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** From byte `offset` to the end (a negative offset counts from the end). */
export async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const size = (await handle.stat()).size;
    const start = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
