/**
 * The minio preset on Docker, through the example: media asks for `s3: { bucket: 'media-uploads' }`,
 * the dev stack runs the locally built S3-compatible server (s3rver) in minio/minio's place, and the
 * local agent runs media, which stores and reads uploads in its bucket. The bucket is an s3_bucket
 * resource: deleted out of band it is drift that apply repairs; holding data, destroy keeps it.
 * s3rver has no IAM and does not enforce bucket privacy, so neither is checked here (see README).
 * The `it`s run in order and share one stack.
 */
import { DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNode24 } from './support/cli.js';
import { docker, inspectContainer, labelledObjects } from './support/docker.js';
import { APPS, createProject, type E2eProject } from './support/project.js';
import { applyOk, expectDrift, expectExit, expectNoChanges } from './support/expect-cli.js';

const BUCKET = 'media-uploads';

describe('object storage on Docker', () => {
  let p: E2eProject;
  let s3: S3Client;

  const media = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${p.appPorts.media}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => {
    s3?.destroy();
    await p?.cleanup();
  });

  it('apply creates the S3 server and media\'s bucket, and wires only media to it', async () => {
    const r = await applyOk(p);
    expect(r.stdout).toContain('s3_bucket.media-uploads');
    expect((await inspectContainer(`${p.project}-dev-minio`)).State.Health?.Status).toBe('healthy');
    const env = await p.readEnv('media');
    expect(env).toMatchObject({
      S3_ENDPOINT: `http://127.0.0.1:${p.s3Port}`, S3_BUCKET: BUCKET, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY: 'omnitron',
      MEDIA_STORAGE__BACKEND: 's3', MEDIA_STORAGE__S3__ENDPOINT: `http://127.0.0.1:${p.s3Port}`, MEDIA_STORAGE__S3__BUCKET: BUCKET,
      MEDIA_STORAGE__S3__ACCESS_KEY_ID: 'omnitron', MEDIA_STORAGE__S3__FORCE_PATH_STYLE: 'true',
    });
    expect(env.S3_SECRET_KEY).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(env.MEDIA_STORAGE__S3__SECRET_ACCESS_KEY).toBe(env.S3_SECRET_KEY);
    for (const app of APPS.filter((a) => a !== 'media')) expect(Object.keys(await p.readEnv(app)).filter((k) => k.includes('S3')), app).toEqual([]);
    s3 = new S3Client({ endpoint: env.S3_ENDPOINT, region: env.S3_REGION, forcePathStyle: true, credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY } });
  });

  it('never shows the S3 secret key in plan output or state', async () => {
    const secret = (await p.readEnv('media')).S3_SECRET_KEY;
    const plan = expectExit(await p.run('plan', '--json'), 0);
    expect(plan.stdout + plan.stderr).not.toContain(secret);
    expect(p.transcript.join('\n')).not.toContain(secret);
    expect(await readFile(p.statePath, 'utf8')).not.toContain(secret);
  });

  it('media stores an upload in its bucket and reads it back; its /health checks the bucket', async () => {
    const health = await media('/health');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { checks: Record<string, string> }).checks.S3_BUCKET).toBe(`ok (${BUCKET})`);
    expect((await media('/uploads/avatars/e2e.txt', { method: 'PUT', body: 'stored by media' })).status).toBe(201);
    const back = await media('/uploads/avatars/e2e.txt');
    expect(back.status).toBe(200);
    expect(await back.text()).toBe('stored by media');
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'avatars/e2e.txt' }));
    expect(await object.Body!.transformToString()).toBe('stored by media');
    await expectNoChanges(p);
  });

  it('a bucket deleted out of band is drift, and apply creates it again', async () => {
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => ({ Key: o.Key! }));
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys } }));
    await s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    const drift = await expectDrift(p, 's3_bucket.media-uploads');
    expect(drift.stdout).toMatch(/s3_bucket\.media-uploads.*\n?.*(deleted outside omnitron|not found)/);
    await applyOk(p);
    await expectNoChanges(p);
    expect((await media('/uploads/avatars/again.txt', { method: 'PUT', body: 'again' })).status).toBe(201);
    expect(await (await media('/uploads/avatars/again.txt')).text()).toBe('again');
  });

  it('destroy keeps a bucket that holds data; the next apply finds it with its objects', async () => {
    const r = expectExit(await p.run('destroy', '--auto-approve'), 0);
    expect(r.stdout).toContain('docker_container.minio will be destroyed');
    expect(r.stdout).not.toContain('s3_bucket.media-uploads will be destroyed');
    expect(await docker('volume', 'inspect', '--format', '{{.Name}}', `${p.project}-dev-minio-data`)).toContain('minio-data');
    const again = await applyOk(p);
    expect(again.stdout).not.toContain('s3_bucket.media-uploads will be created');
    expect(await (await media('/uploads/avatars/again.txt')).text()).toBe('again');
    await expectNoChanges(p);
  });

  it('destroy --volumes deletes the bucket with its objects', async () => {
    const r = expectExit(await p.run('destroy', '--auto-approve', '--volumes'), 0);
    expect(r.stdout).toContain('s3_bucket.media-uploads will be destroyed');
    expect(r.stdout).toMatch(/s3_bucket\.media-uploads: Destruction complete/);
    expect(await labelledObjects(p.project)).toEqual({ containers: [], volumes: [], networks: [] });
  });
});
