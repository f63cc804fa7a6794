import { mkdtemp, readdir, readFile, rm, stat, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../planner/expr.js';
import { configHash, sha256 } from '../../planner/hash.js';
import { ProviderError, type Applied, type ObserveRequest, type ProviderContext, type StateRecord } from '../../planner/resource.js';
import { ENV_HEADER } from '../../contract/env-file-format.js';
import { envFile } from './env-file.js';
import { localProvider } from './index.js';

let dir: string;
const ctx = { emit: () => {}, scope: { project: 'p', stack: 's' } } as unknown as ProviderContext;
const address = 'env_file.api';
const sensitive = ['variables.DATABASE_URL'];

beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'omnitron-env-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const attrs = (file: string, variables: Record<string, string> = { APP_NAME: 'api', DATABASE_URL: 'postgres://api:s3cret@127.0.0.1:5432/api' }) =>
  ({ path: file, mode: '0600', variables });

function record(applied: Applied): StateRecord {
  return { address, type: 'env_file', id: applied.id, attributes: applied.attributes, outputs: applied.outputs, dependsOn: [], sensitive: [], hash: configHash(applied.attributes), updatedAt: '' };
}

async function observe(desiredAttrs: ReturnType<typeof attrs> | undefined, prior: StateRecord[] = []) {
  const request: ObserveRequest = {
    scope: { project: 'p', stack: 's', root: dir, stackDir: dir, lineage: 'test-lineage' }, prior, lookup: () => undefined,
    desired: desiredAttrs ? [{ address, type: 'env_file', attributes: desiredAttrs, dependsOn: [], sensitive }] : [],
  };
  return localProvider.observe(ctx, request);
}

describe('env_file apply', () => {
  it('writes sorted, quoted lines atomically with mode 0600 in a new 0700 directory', async () => {
    const file = path.join(dir, 'env', 'api.env');
    const applied = await envFile.apply(ctx, { action: 'create', address, attributes: attrs(file, { Z: 'last', A: 'a "quoted" $value' }) });
    const content = await readFile(file, 'utf8');
    expect(content).toBe(`${ENV_HEADER}\nA="a \\"quoted\\" \\$value"\nZ="last"\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(applied?.outputs).toEqual({ path: file, sha256: sha256(content) });
    expect(applied?.id).toBe(file);
    expect(await readdir(path.dirname(file))).toEqual(['api.env']);
  });

  it('replaces the whole file on update (new inode), and moves it on a path change', async () => {
    const file = path.join(dir, 'api.env');
    const first = record((await envFile.apply(ctx, { action: 'create', address, attributes: attrs(file) }))!);
    const inode = (await stat(file)).ino;
    await envFile.apply(ctx, { action: 'update', address, attributes: attrs(file, { APP_NAME: 'v2' }), prior: first });
    expect((await stat(file)).ino).not.toBe(inode);
    expect(await readFile(file, 'utf8')).toContain('APP_NAME="v2"');

    const moved = path.join(dir, 'moved', 'api.env');
    await envFile.apply(ctx, { action: 'replace', address, attributes: attrs(moved), prior: first });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(path.dirname(moved))).toEqual(['api.env']);

    await envFile.apply(ctx, { action: 'delete', address, prior: { ...first, attributes: attrs(moved) } });
    await expect(stat(moved)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses variable names a loader could not read back', async () => {
    const failed = envFile.apply(ctx, { action: 'create', address, attributes: attrs(path.join(dir, 'x.env'), { 'NOT-VALID': 'x' }) });
    await expect(failed).rejects.toBeInstanceOf(ProviderError);
    await expect(failed).rejects.toThrow('invalid environment variable name "NOT-VALID"');
  });
});

describe('env_file observe and plan', () => {
  const file = () => path.join(dir, 'api.env');

  async function applied(): Promise<StateRecord> {
    return record((await envFile.apply(ctx, { action: 'create', address, attributes: attrs(file()) }))!);
  }

  const plan = (prior: StateRecord | undefined, observed: Awaited<ReturnType<typeof observe>>, desired = attrs(file())) =>
    envFile.plan({ address, desired, desiredHash: configHash(desired), prior, observed: observed.objects.get(address), unreadable: observed.unreadable.get(address), sensitive });

  it('reads the file back as attributes, so a fresh apply plans a no-op', async () => {
    const prior = await applied();
    const seen = await observe(attrs(file()), [prior]);
    expect(seen.objects.get(address)).toEqual({ address, type: 'env_file', id: file(), attributes: attrs(file()) });
    expect(plan(prior, seen)).toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('records a matching file that state lost, with the outputs apply gave it', async () => {
    const prior = await applied();
    const seen = await observe(attrs(file()));
    expect(plan(undefined, seen)).toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
    expect(envFile.recordOutputs(seen.objects.get(address)!)).toEqual(prior.outputs);
  });

  it('reports a hand edit of one variable as drift on that variable, masked when secret', async () => {
    const prior = await applied();
    const text = await readFile(file(), 'utf8');
    await writeFile(file(), text.replace('s3cret', 'hacked').replace('APP_NAME="api"', 'APP_NAME=edited'));
    const decision = plan(prior, await observe(attrs(file()), [prior]));
    expect(decision).toEqual({
      action: 'update', reason: 'changed outside omnitron', diffs: [
        { path: 'variables.APP_NAME', before: 'edited', after: 'api' },
        { path: 'variables.DATABASE_URL', before: 'postgres://api:hacked@127.0.0.1:5432/api', after: 'postgres://api:s3cret@127.0.0.1:5432/api', sensitive: true },
      ],
    });
  });

  it('reports a mode change and a deleted file', async () => {
    const prior = await applied();
    await chmod(file(), 0o644);
    expect(plan(prior, await observe(attrs(file()), [prior]))).toEqual({
      action: 'update', reason: 'changed outside omnitron', diffs: [{ path: 'mode', before: '0644', after: '0600' }],
    });
    await rm(file());
    expect(plan(prior, await observe(attrs(file()), [prior]))).toEqual({ action: 'create', reason: 'deleted outside omnitron' });
  });

  it('does not diff a number in config against the same text on disk, and shows unknown values as changes', async () => {
    const prior = await applied();
    const seen = await observe(attrs(file()), [prior]);
    const withNumber = { ...attrs(file()), variables: { APP_NAME: 'api', DATABASE_URL: 'postgres://api:s3cret@127.0.0.1:5432/api' } };
    expect(plan(prior, seen, withNumber)).toEqual({ action: 'noop', reason: 'matches config' });
    const numeric = envFile.plan({ address, desired: { ...withNumber, variables: { ...withNumber.variables, PORT: 8080 } }, prior, observed: seen.objects.get(address), sensitive });
    expect(numeric).toMatchObject({ action: 'update', diffs: [{ path: 'variables.PORT', after: '8080' }] });
    const pending = envFile.plan({ address, desired: { ...withNumber, variables: { ...withNumber.variables, DATABASE_URL: UNKNOWN } }, prior, observed: seen.objects.get(address), sensitive });
    expect(pending).toMatchObject({ action: 'update', diffs: [{ path: 'variables.DATABASE_URL', after: UNKNOWN, sensitive: true }] });
  });

  it('plans deletion of a file no longer in config, and reports unreadable paths', async () => {
    const prior = await applied();
    const gone = await observe(undefined, [prior]);
    expect(envFile.plan({ address, prior, observed: gone.objects.get(address), sensitive: [] })).toEqual({ action: 'delete', reason: 'no longer in config' });
    const blocked = path.join(file(), 'nested.env'); // a path through a regular file: ENOTDIR
    const seen = await observe(attrs(blocked));
    expect(seen.unreadable.get(address)).toBe(`could not read ${blocked}: ENOTDIR`);
  });

  it('observes random passwords from state', async () => {
    const secret: StateRecord = { address: 'random_password.jwt', type: 'random_password', attributes: { length: 40, special: false }, outputs: { result: 'x' }, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' };
    const seen = await localProvider.observe(ctx, { scope: { project: 'p', stack: 's', root: dir, stackDir: dir, lineage: 'test-lineage' }, desired: [], prior: [secret], lookup: () => undefined });
    expect(seen.objects.get('random_password.jwt')).toEqual({ address: 'random_password.jwt', type: 'random_password', attributes: secret.attributes, hash: 'h' });
  });
});
