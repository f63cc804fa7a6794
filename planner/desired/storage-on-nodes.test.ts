import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEcosystem } from '../config/load-ecosystem.js';
import type { Ecosystem } from '../config/model.js';
import { presetRequirement } from '../config/presets.js';
import { resolveStack } from '../config/resolve-stack.js';
import type { DesiredResource } from '../resource.js';
import { buildRemoteGraph } from './remote-stack.js';
import type { NodeArtifacts } from './node-apps.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
const artifacts: NodeArtifacts = {
  runtimes: new Map(['db', 'cache', 'app'].map((n) => [n, { version: 'v24.0.0', sha256: 'a'.repeat(64), gzPath: '/cache/node.gz', machine: 'x86_64' }])),
  agent: { sha256: 'c'.repeat(64), path: '/dist/runtime/agent.bundle.mjs' },
  releases: new Map(['auth', 'media', 'analytics', 'ledger', 'realtime'].map((a) => [a, { sha256: `${a}-sha`, path: `/artifacts/${a}.tar.gz`, machine: 'x86_64' }])),
};
const scope = { project: 'platform', stack: 'production', root: '/src', stackDir: '/tmp/stack' };
let eco: Ecosystem;

beforeAll(async () => {
  Object.assign(process.env, { PLATFORM_DB_ADDRESS: '10.9.0.2', PLATFORM_CACHE_ADDRESS: '10.9.0.3', PLATFORM_APP_ADDRESS: '10.9.0.4' });
  eco = (await loadEcosystem({ file: example })).ecosystem!;
});

/** The example's production stack with its S3 server given back: installed by the operator on node db, or external. */
function graphWith(minio: 'on-db' | 'external'): Map<string, DesiredResource> {
  const service = { ...presetRequirement('minio'), bareMetal: { installCommand: 'install-minio', systemdUnit: 'minio.service' }, presetConfig: { buckets: ['archive'] } };
  const override = minio === 'on-db' ? { placement: 'db' } : { external: { host: 's3.internal', ports: { api: 9443 }, secrets: { accessKey: 'ops', secretKey: 'ops-secret' } } };
  const e: Ecosystem = { ...eco, services: { ...eco.services, minio: service }, stacks: { ...eco.stacks, production: { ...eco.stacks.production, serviceOverrides: { minio: override } } } };
  const model = resolveStack(e, 'production').model!;
  return new Map(buildRemoteGraph(model, new Map(), scope, artifacts).map((r) => [r.address, r]));
}

const variables = (graph: Map<string, DesiredResource>, address: string) => (graph.get(address)!.attributes as { variables: Record<string, unknown> }).variables;

describe('buckets on a node stack', () => {
  it('manages every bucket through a tunnel to the node that runs the server, once it answers', () => {
    const graph = graphWith('on-db');
    for (const name of ['media-uploads', 'archive']) {
      const bucket = graph.get(`s3_bucket.${name}`)!;
      expect(bucket.attributes).toEqual({ name });
      expect(bucket.connection).toMatchObject({ endpoint: 'http://127.0.0.1:9000', via: 'db', region: 'us-east-1', accessKey: 'omnitron', secretKey: { $ref: 'random_password.minio_root_password', output: 'result' } });
      expect(bucket.dependsOn).toEqual(['systemd_service.db.minio']);
    }
    expect(graph.get('systemd_service.db.minio')!.attributes).toMatchObject({ name: 'minio.service', health: { type: 'tcp', target: '127.0.0.1:9000' } });
  });

  it('writes the root credentials where MinIO\'s unit reads them, root-only, and restarts the server when they change', () => {
    const graph = graphWith('on-db');
    const env = graph.get('node_env_file.db.minio')!;
    expect(env.attributes).toMatchObject({ node: 'db', path: '/etc/default/minio', owner: 'root', group: 'root', mode: '0600' });
    expect(variables(graph, 'node_env_file.db.minio')).toEqual({ MINIO_ROOT_USER: 'omnitron', MINIO_ROOT_PASSWORD: { $ref: 'random_password.minio_root_password', output: 'result' } });
    expect(env.sensitive).toEqual(['variables.MINIO_ROOT_PASSWORD']);
    expect(env.dependsOn).toEqual(['node_command.db.minio_install']);
    const unit = graph.get('systemd_service.db.minio')!;
    expect(unit.dependsOn).toContain(env.address);
    expect(unit.attributes).toMatchObject({ inputs: { $digest: env.attributes } });
  });

  it('points apps on other nodes at the server\'s node address', () => {
    const vars = variables(graphWith('on-db'), 'node_env_file.app.media');
    expect(vars).toMatchObject({ S3_ENDPOINT: 'http://10.9.0.2:9000', S3_BUCKET: 'media-uploads', MEDIA_STORAGE__S3__ENDPOINT: 'http://10.9.0.2:9000' });
  });

  it('reaches an external server directly, and runs nothing for it on a node', () => {
    const graph = graphWith('external');
    const bucket = graph.get('s3_bucket.media-uploads')!;
    expect(bucket.connection).toEqual({ endpoint: 'http://s3.internal:9443', region: 'us-east-1', accessKey: 'ops', secretKey: 'ops-secret' });
    expect(bucket.dependsOn).toEqual([]);
    expect([...graph.keys()].filter((a) => a.includes('minio'))).toEqual([]);
    expect(variables(graph, 'node_env_file.app.media')).toMatchObject({ S3_ENDPOINT: 'http://s3.internal:9443' });
  });
});
