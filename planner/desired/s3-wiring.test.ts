import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEcosystem } from '../config/load-ecosystem.js';
import { resolveStack } from '../config/resolve-stack.js';
import type { DesiredResource, StackScope } from '../resource.js';
import { ref } from '../expr.js';
import { buildDesiredGraph } from './desired-graph.js';
import type { LocalAgentArtifacts } from './local-agent.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
const scope: StackScope = { project: 'platform', stack: 'dev', root: path.dirname(example), stackDir: '/work/p/.omnitron/dev' };
const artifacts: LocalAgentArtifacts = { bundle: { path: '/a.mjs', sha256: 'c'.repeat(64) }, node: '/usr/local/bin/node', revisions: new Map() };
const secret = ref('random_password.minio_root_password', 'result');

let graph: Map<string, DesiredResource>;

beforeAll(async () => {
  const model = resolveStack((await loadEcosystem({ file: example })).ecosystem!, 'dev').model!;
  graph = new Map(buildDesiredGraph(model, new Map(), scope, artifacts).map((r) => [r.address, r]));
});

describe('object storage in a local stack', () => {
  it('runs one minio-preset container with the root credentials from a generated secret', () => {
    const container = graph.get('docker_container.minio')!.attributes as Record<string, unknown>;
    expect(container).toMatchObject({
      image: 'omnitron-local/s3rver:3', env: { MINIO_ROOT_USER: 'omnitron', MINIO_ROOT_PASSWORD: secret },
      healthcheck: { test: ['CMD', 'mc', 'ready', 'local'] },
    });
    expect(graph.get('docker_container.minio')!.sensitive).toEqual(['env.MINIO_ROOT_PASSWORD']);
    expect(graph.has('random_password.minio_root_password')).toBe(true);
  });

  it('plans media\'s bucket on that server, after its container', () => {
    expect(graph.get('s3_bucket.media-uploads')).toEqual({
      address: 's3_bucket.media-uploads', type: 's3_bucket', attributes: { name: 'media-uploads' }, dependsOn: ['docker_container.minio'], sensitive: [],
      connection: { endpoint: 'http://127.0.0.1:19000', region: 'us-east-1', accessKey: 'omnitron', secretKey: secret },
    });
    expect([...graph.keys()].filter((a) => a.startsWith('s3_bucket.'))).toEqual(['s3_bucket.media-uploads']);
  });

  it('gives media the S3_* and MEDIA_STORAGE__* env, its secret masked, and nothing to the others', () => {
    const media = graph.get('env_file.media')!;
    expect((media.attributes as { variables: Record<string, unknown> }).variables).toMatchObject({
      S3_ENDPOINT: 'http://127.0.0.1:19000', S3_BUCKET: 'media-uploads', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY: 'omnitron', S3_SECRET_KEY: secret,
      MEDIA_STORAGE__BACKEND: 's3', MEDIA_STORAGE__S3__ENDPOINT: 'http://127.0.0.1:19000', MEDIA_STORAGE__S3__BUCKET: 'media-uploads',
      MEDIA_STORAGE__S3__ACCESS_KEY_ID: 'omnitron', MEDIA_STORAGE__S3__SECRET_ACCESS_KEY: secret, MEDIA_STORAGE__S3__FORCE_PATH_STYLE: 'true',
    });
    expect(media.sensitive).toEqual(expect.arrayContaining(['variables.S3_SECRET_KEY', 'variables.MEDIA_STORAGE__S3__SECRET_ACCESS_KEY']));
    expect(media.dependsOn).toContain('s3_bucket.media-uploads');
    const ledger = (graph.get('env_file.ledger')!.attributes as { variables: Record<string, unknown> }).variables;
    expect(Object.keys(ledger).filter((k) => k.includes('S3'))).toEqual([]);
  });
});
