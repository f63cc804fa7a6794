/**
 * The `minio` preset on a bare-metal node (a systemd + sshd container), its server the test bed's
 * s3rver: MinIO is in neither Debian nor npm, so the operator's `bareMetal.installCommand` installs
 * the server, and here that is s3rver (the module tree of the omnitron-local/s3rver image, with its
 * serve.cjs) and a Node binary, staged on the node as an operator's release would be, since the node
 * reaches no registry. omnitron writes the root credentials to /etc/default/minio, which the unit reads,
 * and manages the bucket through an SSH tunnel to the node: its connection is 127.0.0.1:9000 as the
 * node sees it, where nothing of the test listens on this machine. The test's own S3 client talks to
 * the node's address with the credentials read back from the node. The `it`s run in order.
 */
import { DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../contract/env-file-format.js';
import { startNodes, type NodeBed } from '../support/nodes/index.js';
import { requireNode24, runCli, type CliResult } from './support/cli.js';
import { docker } from './support/docker.js';
import { expectExit } from './support/expect-cli.js';
import { sshRun } from './support/ssh.js';

const exec = promisify(execFile);
const prefix = `e2es3${randomBytes(3).toString('hex')}`;
const BUCKET = 'e2e-archive';
const MARKER = '.omnitron-owner.json';

/** The operator's install: the staged release into /opt/s3rver, a unit that reads omnitron's credentials file. */
const INSTALL = [
  'set -e',
  'install -d -m 0755 /opt/s3rver',
  'cp -a /srv/release/s3rver/. /opt/s3rver/',
  'install -m 0755 /srv/release/node /opt/s3rver/node',
  'install -d -m 0700 /data',
  "printf '%s\\n' '[Unit]' 'Description=s3rver, an S3-compatible server' '[Service]' 'EnvironmentFile=/etc/default/minio' 'ExecStart=/opt/s3rver/node /opt/s3rver/serve.cjs' 'Restart=on-failure' '[Install]' 'WantedBy=multi-user.target' > /etc/systemd/system/s3rver.service",
  'systemctl daemon-reload',
].join('\n');

describe('object storage on a bare-metal node', () => {
  let bed: NodeBed;
  let root: string;
  let run: (...args: string[]) => Promise<CliResult>;
  let s3: S3Client;

  const store = () => bed.node(`${prefix}-store`);
  const ssh = (...argv: string[]) => sshRun(store(), bed.privateKeyPath, argv);
  const buckets = async () => ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);

  beforeAll(async () => {
    requireNode24();
    bed = await startNodes({ count: 1, namePrefix: prefix, names: ['store'] });
    await stageRelease(store().container);
    root = await mkdtemp(join(tmpdir(), 'omnitron-s3-bm-'));
    await writeFile(join(root, 'omnitron.config.ts'), `export default {
  project: '${prefix}',
  apps: [],
  infrastructure: { services: { minio: {
    preset: 'minio',
    bareMetal: { installCommand: ${JSON.stringify(INSTALL)}, systemdUnit: 's3rver.service' },
    config: { buckets: ['${BUCKET}'] },
  } } },
  stacks: { store: { type: 'remote', nodes: [{
    name: 'store', role: 'app', host: '127.0.0.1', address: '${store().address}',
    ssh: { user: 'root', port: ${store().sshPort}, privateKey: '${bed.privateKeyPath}' },
  }] } },
};
`);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', HOME: root, OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
    delete env.OMNITRON_STATE_KEY_FILE;
    delete env.OMNITRON_STATE_URL;
    run = (...args) => runCli([...args, '--stack', 'store'], { cwd: root, env });
  });

  afterAll(async () => {
    s3?.destroy();
    await bed?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('apply installs the server, gives it its credentials root-only, and creates the bucket through the node', async () => {
    const r = expectExit(await run('apply', '--auto-approve', '--trust-new-hosts'), 0);
    expect(r.stdout).toContain(`s3_bucket.${BUCKET}: Creation complete`);
    expect((await ssh('stat', '-c', '%U %a', '/etc/default/minio')).stdout.trim()).toBe('root 600');
    const credentials = parseEnv((await ssh('cat', '/etc/default/minio')).stdout);
    expect(credentials.MINIO_ROOT_USER).toBe('omnitron');
    expect(credentials.MINIO_ROOT_PASSWORD).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(r.stdout + r.stderr).not.toContain(credentials.MINIO_ROOT_PASSWORD);
    expect((await ssh('systemctl', 'is-active', 's3rver.service')).stdout.trim()).toBe('active');
    s3 = new S3Client({
      endpoint: `http://${store().address}:9000`, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: credentials.MINIO_ROOT_USER, secretAccessKey: credentials.MINIO_ROOT_PASSWORD },
    });
    expect(await buckets()).toEqual([BUCKET]);
    const marker = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: MARKER }));
    expect(JSON.parse(await marker.Body!.transformToString())).toMatchObject({ project: prefix, stack: 'store', address: `s3_bucket.${BUCKET}` });
  });

  it('plans no changes after apply', async () => {
    const plan = expectExit(await run('plan', '--detailed-exitcode'), 0);
    expect(plan.stdout).toContain('No changes.');
  });

  it('a bucket deleted out of band is drift (exit 2), and apply creates it again', async () => {
    await emptyAndDelete(s3, BUCKET);
    expect(await buckets()).toEqual([]);
    const drift = expectExit(await run('plan', '--detailed-exitcode'), 2);
    expect(drift.stdout).toMatch(/s3_bucket\.e2e-archive.*\n?.*deleted outside omnitron/);
    expectExit(await run('apply', '--auto-approve'), 0);
    expect(await buckets()).toEqual([BUCKET]);
    expect(expectExit(await run('plan', '--detailed-exitcode'), 0).stdout).toContain('No changes.');
  });

  it('destroy deletes the empty bucket through the node before stopping the server', async () => {
    const r = expectExit(await run('destroy', '--auto-approve'), 0);
    expect(r.stdout).toMatch(/s3_bucket\.e2e-archive: Destruction complete/);
    expect((await ssh('test', '-e', `/data/${BUCKET}`)).code).toBe(1);
  });
});

/** s3rver's module tree and serve.cjs out of the test bed's image, and this Node binary, into /srv/release on the node. */
async function stageRelease(node: string): Promise<void> {
  const image = (await docker('create', 'omnitron-local/s3rver:3')).trim();
  try {
    await docker('exec', node, 'mkdir', '-p', '/srv/release');
    await exec('sh', ['-c', 'docker cp "$1":/opt/s3rver - | docker cp - "$2":/srv/release/', 'sh', image, node], { maxBuffer: 1 << 20 });
    await docker('cp', '-L', process.execPath, `${node}:/srv/release/node`);
  } finally {
    await docker('rm', image);
  }
}

async function emptyAndDelete(s3: S3Client, bucket: string): Promise<void> {
  const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => ({ Key: o.Key! }));
  if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}
