/** Independent checks on test nodes with the plain OpenSSH client, not omnitron's own transport. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestNode } from '../../support/nodes/index.js';

const run = promisify(execFile);

export async function sshRun(node: TestNode, keyPath: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['-i', keyPath, '-p', String(node.sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', '--', ...argv.map(shellWord)];
  try {
    const { stdout, stderr } = await run('ssh', args, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 255, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** ssh joins its arguments into one remote shell line, so each word is quoted here. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}
