/**
 * Uploads go to a private temporary file over SFTP (as the login user), then `install` (as root via sudo
 * when needed) copies it beside the destination with mode and owner, and `mv` renames it into place, so
 * readers never see a half-written file and non-root logins can still write root-owned paths.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { octalMode } from './command-failed.js';
import type { PutOptions, PutSource } from '../../planner/transport.js';

export function temporaryPath(): string {
  return `/tmp/.omnitron-upload-${randomBytes(8).toString('hex')}`;
}

export function upload(sftp: SFTPWrapper, remoteTemp: string, source: PutSource): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (typeof source === 'object' && !Buffer.isBuffer(source)) sftp.fastPut(source.localPath, remoteTemp, { mode: 0o600 }, done);
    else sftp.writeFile(remoteTemp, source, { mode: 0o600 }, done);
  });
}

/** The commands that move an uploaded temporary into place; `staged` is removed on failure by the caller. */
export function placeCommands(uploaded: string, dest: string, opts: PutOptions): { staged: string; commands: string[][] } {
  const staged = path.posix.join(path.posix.dirname(dest), `.${path.posix.basename(dest)}.omnitron-${randomBytes(4).toString('hex')}`);
  const owner = opts.owner ? ['-o', opts.owner] : [];
  const group = opts.group ? ['-g', opts.group] : [];
  return {
    staged,
    commands: [
      ['install', '-D', '-m', octalMode(opts.mode ?? 0o644), ...owner, ...group, '-T', '--', uploaded, staged],
      ['mv', '-f', '-T', '--', staged, dest],
    ],
  };
}
