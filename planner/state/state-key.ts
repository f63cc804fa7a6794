/**
 * The key that encrypts sensitive state values: from OMNITRON_STATE_KEY, or from a key file kept
 * outside the state directory (created on first use), so a copied state file carries no secrets.
 */
import { createHash, randomBytes, scrypt } from 'node:crypto';
import { link, mkdir, open, readFile, realpath, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError, error } from '../diagnostics.js';
import { syncDir } from '../sync-dir.js';

export interface StateKey {
  /** 32 bytes for A256GCM. */
  bytes: Uint8Array;
  /** `OMNITRON_STATE_KEY` or the key file's path; named in errors, never the key itself. */
  source: string;
  /** Public fingerprint stamped on every JWE, so a wrong key is recognised before trying it. */
  kid: string;
  /** True when the key file did not exist and was just created. */
  created: boolean;
  /** Keys replaced by `state rekey`, still accepted for reading (never for sealing). */
  previous?: StateKey[];
}

export interface LoadStateKeyOptions {
  env?: NodeJS.ProcessEnv;
  /** The state directory (`<root>/.omnitron`); a key file inside it is refused. */
  stateDir?: string;
}

/**
 * A passphrase in OMNITRON_STATE_KEY is stretched with scrypt (N=2^15, r=8, p=1) under this fixed salt.
 * The salt is fixed so the same passphrase gives the same key on every machine; changing it breaks every state.
 */
export const PASSPHRASE_SALT = 'omnitron-state-key/v1';

/**
 * The current key, with the previous one (after `state rekey`) accepted for reading: OMNITRON_STATE_KEY_PREVIOUS,
 * or the key file's `.previous` beside it.
 */
export async function loadStateKey(options: LoadStateKeyOptions = {}): Promise<StateKey> {
  const env = options.env ?? process.env;
  const current = await loadCurrentKey(env, options.stateDir);
  const previous = await loadPreviousKey(env, current.source === 'OMNITRON_STATE_KEY' ? undefined : current.source);
  return previous && previous.kid !== current.kid ? { ...current, previous: [previous] } : current;
}

async function loadCurrentKey(env: NodeJS.ProcessEnv, stateDir: string | undefined): Promise<StateKey> {
  const fromEnv = env.OMNITRON_STATE_KEY;
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === '') throw new UserError(error('OMNITRON_STATE_KEY is set but empty', { detail: 'Set it to the state key, or unset it to use the key file.' }));
    return makeKey(await keyFromText(fromEnv), 'OMNITRON_STATE_KEY', false);
  }
  const path = keyFilePath(env);
  if (stateDir) await refuseInside(stateDir, path);
  return readOrCreateKeyFile(path);
}

async function loadPreviousKey(env: NodeJS.ProcessEnv, keyFile: string | undefined): Promise<StateKey | undefined> {
  const fromEnv = env.OMNITRON_STATE_KEY_PREVIOUS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return makeKey(await keyFromText(fromEnv), 'OMNITRON_STATE_KEY_PREVIOUS', false);
  if (keyFile === undefined) return undefined;
  const text = await readKeyFile(previousKeyPath(keyFile));
  return text === null ? undefined : makeKey(await keyFromText(text), previousKeyPath(keyFile), false);
}

export function previousKeyPath(keyFile: string): string {
  return `${keyFile}.previous`;
}

/**
 * `state rekey --new-key`: the key file's key becomes `<file>.previous` (still accepted for reading) and a
 * new random key takes its place. Refused while an earlier rotation's `.previous` is still there.
 */
export async function rotateKeyFile(current: StateKey): Promise<StateKey> {
  if (current.source === 'OMNITRON_STATE_KEY') {
    throw new UserError(error('--new-key makes a new key file, but the key comes from OMNITRON_STATE_KEY', {
      detail: 'Set OMNITRON_STATE_KEY to the new key and OMNITRON_STATE_KEY_PREVIOUS to the old one, then run `omnitron state rekey` for each stack.',
    }));
  }
  const path = current.source;
  const previous = previousKeyPath(path);
  if ((await readKeyFile(previous)) !== null) {
    throw new UserError(error(`an earlier key rotation is not finished: ${previous} still exists`, {
      file: previous,
      detail: 'Run `omnitron state rekey` (without --new-key) for every stack still sealed with it, then delete that file.',
    }));
  }
  await link(path, previous);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeKeyDurably(temp, `${randomBytes(32).toString('base64url')}\n`);
  await rename(temp, path);
  await syncDir(dirname(path));
  const fresh = makeKey(await keyFromText((await readKeyFile(path)) ?? ''), path, false);
  return { ...fresh, previous: [{ bytes: current.bytes, kid: current.kid, source: previous, created: false }] };
}

export function keyFilePath(env: NodeJS.ProcessEnv): string {
  if (env.OMNITRON_STATE_KEY_FILE) return resolve(env.OMNITRON_STATE_KEY_FILE);
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'omnitron', 'state.key');
}

/** Hex or base64(url) of exactly 32 bytes is used as is; anything else is a passphrase. */
export async function keyFromText(text: string): Promise<Uint8Array> {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, 'base64'));
  return derive(text);
}

function derive(passphrase: string): Promise<Uint8Array> {
  return new Promise((done, fail) => {
    scrypt(passphrase, PASSPHRASE_SALT, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) => {
      if (err) fail(err);
      else done(new Uint8Array(key));
    });
  });
}

function makeKey(bytes: Uint8Array, source: string, created: boolean): StateKey {
  const kid = createHash('sha256').update('omnitron-state-key-id').update(bytes).digest('hex').slice(0, 16);
  return { bytes, source, kid, created };
}

/** The file holds the key as base64url text, so its content can be pasted into OMNITRON_STATE_KEY. */
async function readOrCreateKeyFile(path: string): Promise<StateKey> {
  const existing = await readKeyFile(path);
  if (existing !== null) return makeKey(await keyFromText(existing), path, false);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeKeyDurably(path, `${randomBytes(32).toString('base64url')}\n`);
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return makeKey(await keyFromText((await readKeyFile(path)) ?? ''), path, false);
  }
  return makeKey(await keyFromText((await readKeyFile(path)) ?? ''), path, true);
}

/** The key must survive a crash right after it was made: state sealed with it would otherwise be unreadable. */
async function writeKeyDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await syncDir(dirname(path));
}

async function readKeyFile(path: string): Promise<string | null> {
  try {
    await refuseReadableByOthers(path);
    const text = await readFile(path, 'utf8');
    if (text.trim() === '') throw new UserError(error('state key file is empty', { file: path, detail: 'Restore the key file from your backup.' }));
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function refuseInside(stateDir: string, keyPath: string): Promise<void> {
  const [dir, key] = await Promise.all([realish(stateDir), realish(keyPath)]);
  const rel = relative(dir, key);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new UserError(error(`the state key file is inside the state directory ${stateDir}`, {
      file: keyPath,
      detail: 'Keep the key elsewhere (OMNITRON_STATE_KEY_FILE or ~/.config/omnitron/state.key), so a copy of the state does not carry its key.',
    }));
  }
}

/** The real path of the longest existing prefix, so symlinks cannot hide the key inside the state dir. */
async function realish(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await realish(parent), relative(parent, absolute));
  }
}

/** A key file other users can read (or write) gives every secret in state to them. */
async function refuseReadableByOthers(path: string): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new UserError(error(`the state key file is readable by other users (mode ${mode.toString(8).padStart(4, '0')})`, {
    file: path,
    detail: `Every secret in state is sealed with it. Run: chmod 600 ${path}`,
  }));
}
