/** The control socket's file: claimed at start (a stale one removed, a live one refused), owner-only. */
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export async function claimSocketPath(socketPath: string): Promise<void> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  requirePrivateDir(path.dirname(socketPath));
  const stat = lstatOrUndefined(socketPath);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; refusing to replace it`);
  if (await answers(socketPath)) throw new Error(`another agent is listening on ${socketPath}`);
  unlinkSync(socketPath);
}

/** Anyone else who can write the socket's directory could put their own socket there and collect tokens. */
function requirePrivateDir(dir: string): void {
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid && stat.uid !== 0) throw new Error(`${dir} belongs to uid ${stat.uid}, not to this agent's user; refusing to put the control socket there`);
  if ((stat.mode & 0o022) !== 0) throw new Error(`${dir} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}); refusing to put the control socket there`);
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Binds with a umask that leaves the socket owner-only from its first instant (chmod after bind
 * leaves a window); falls back to chmod where the umask cannot be set (worker threads).
 */
export function listenOwnerOnly(server: net.Server, socketPath: string): Promise<void> {
  let previous: number | undefined;
  try { previous = process.umask(0o177); } catch { /* worker thread */ }
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      chmodSync(socketPath, 0o600);
      resolve();
    });
    if (previous !== undefined) process.umask(previous);
  });
}

export function removeSocketFile(socketPath: string): void {
  try { unlinkSync(socketPath); } catch { /* already gone */ }
}
