/**
 * The Node 24 binary apps run on, shipped to nodes that have none. It is this CLI's own runtime
 * (the `node` package installs it for linux-x64), gzip-compressed once into a cache so each upload
 * moves about a third of the bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { UserError } from '../diagnostics.js';

/** Only linux-x64 is shipped (the check above refuses anything else), which `uname -m` calls x86_64. */
const MACHINE = 'x86_64';

export interface NodeRuntimeArtifact {
  version: string;
  /** sha256 of the uncompressed binary (what the node verifies). */
  sha256: string;
  /** The machine type it runs on, as `uname -m` names it. */
  machine: string;
  gzPath: string;
}

export async function nodeRuntimeArtifact(binary = process.execPath, version = process.version): Promise<NodeRuntimeArtifact> {
  if (!version.startsWith('v24.') || process.platform !== 'linux' || process.arch !== 'x64') {
    throw new UserError({ severity: 'error', summary: `apps on nodes run on Node 24 for linux-x64, but omnitron itself runs on Node ${version} (${process.platform}-${process.arch})`, detail: 'Run omnitron through its npm scripts or `npx omnitron`, which use the Node 24 that `npm ci` installs.' });
  }
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'omnitron');
  const gzPath = path.join(cache, `node-${version}-linux-x64.gz`);
  const shaPath = `${gzPath}.sha256`;
  const cached = await readFile(shaPath, 'utf8').catch(() => undefined);
  if (cached && (await stat(gzPath).catch(() => undefined))) return { version, sha256: cached.trim(), gzPath, machine: MACHINE };
  await mkdir(cache, { recursive: true, mode: 0o700 });
  const sha256 = await fileSha256(binary);
  const tmp = `${gzPath}.${process.pid}.tmp`;
  await pipeline(createReadStream(binary), createGzip({ level: 1 }), createWriteStream(tmp));
  await rename(tmp, gzPath);
  await writeFile(shaPath, sha256);
  return { version, sha256, gzPath, machine: MACHINE };
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
