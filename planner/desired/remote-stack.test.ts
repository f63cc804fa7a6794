import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEcosystem } from '../config/load-ecosystem.js';
import { resolveStack } from '../config/resolve-stack.js';
import type { StackModel } from '../config/model.js';
import { buildRemoteGraph } from './remote-stack.js';
import { parseManifest } from '../../contract/agent/manifest.js';
import { place } from '../config/placement.js';
import type { NodeArtifacts } from './node-apps.js';
import type { DesiredResource } from '../resource.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
const artifacts: NodeArtifacts = {
  runtimes: new Map(['db', 'cache', 'app', 'app2'].map((n) => [n, { version: 'v24.0.0', sha256: 'a'.repeat(64), gzPath: '/cache/node.gz', machine: 'x86_64' }])),
  agent: { sha256: 'c'.repeat(64), path: '/dist/runtime/agent.bundle.mjs' },
  releases: new Map(['auth', 'media', 'analytics', 'ledger', 'realtime'].map((a) => [a, { sha256: `${a}-sha`, path: `/artifacts/${a}.tar.gz`, machine: 'x86_64' }])),
};

let model: StackModel;
let graph: Map<string, DesiredResource>;

beforeAll(async () => {
  Object.assign(process.env, { PLATFORM_DB_HOST: '127.0.0.1', PLATFORM_DB_ADDRESS: '10.9.0.2', PLATFORM_CACHE_ADDRESS: '10.9.0.3', PLATFORM_APP_ADDRESS: '10.9.0.4' });
  const loaded = await loadEcosystem({ file: example });
  model = resolveStack(loaded.ecosystem!, 'production').model!;
  const scope = { project: 'platform', stack: 'production', root: path.dirname(example), stackDir: '/tmp/stack' };
  graph = new Map(buildRemoteGraph(model, new Map(), scope, artifacts).map((r) => [r.address, r]));
});

describe('placement', () => {
  it('puts presets on the node of their role, custom services next to their app, apps on app nodes', () => {
    const p = place(model);
    expect(p.diagnostics).toEqual([]);
    expect(Object.fromEntries([...p.services].map(([s, n]) => [s, n.name]))).toEqual({ postgres: 'db', redis: 'cache', pubsub: 'cache' });
    expect([...p.apps.values()].map((nodes) => nodes.map((n) => n.name))).toEqual([['app'], ['app'], ['app'], ['app'], ['app']]);
  });

  it('names a service that cannot be placed', () => {
    const noDb = { ...model, stack: { ...model.stack, nodes: model.stack.nodes.filter((n) => n.role !== 'database') } };
    expect(place(noDb).diagnostics.map((d) => d.summary)).toEqual([
      'service "postgres" cannot be placed on any node of stack "production": it needs a node with role "database" and the stack has none; add one or set a placement',
    ]);
  });
});

describe('remote graph', () => {
  it('points app env at the node that runs each service', () => {
    const env = graph.get('node_env_file.app.ledger')!;
    const vars = (env.attributes as { variables: Record<string, unknown> }).variables;
    expect(JSON.stringify(vars.DATABASE_URL)).toContain('@10.9.0.2:5432/ledger');
    expect(JSON.stringify(vars.REDIS_URL)).toContain('@10.9.0.3:6379/');
    expect(env.sensitive).toEqual(expect.arrayContaining(['variables.DATABASE_URL', 'variables.JWT_SECRET', 'variables.REDIS_URL']));
  });

  it('manages roles through a tunnel to the database node, and lets app nodes in through pg_hba', () => {
    expect(graph.get('postgres_role.ledger')!.connection).toMatchObject({ host: '127.0.0.1', port: 5432, via: 'db' });
    const hba = (graph.get('node_file.db.postgres_hba')!.attributes as { content: string }).content;
    expect(hba).toContain('host    "ledger"   "ledger"   10.9.0.4/32   scram-sha-256');
  });

  it('reloads systemd once per node, after every unit, before any service', () => {
    const reload = graph.get('systemd_daemon_reload.app.units')!;
    const units = [...graph.values()].filter((r) => r.type === 'systemd_unit').map((r) => r.address);
    expect(reload.dependsOn.sort()).toEqual(units.sort());
    for (const r of graph.values()) if (r.type === 'systemd_service' && r.address.startsWith('systemd_service.app.')) expect(r.dependsOn).toContain(reload.address);
  });

  it('runs every app of a node under one agent, which reloads (not restarts) when an app env changes', () => {
    const services = [...graph.values()].filter((r) => r.type === 'systemd_service' && r.address.startsWith('systemd_service.app.'));
    expect(services.map((s) => s.address)).toEqual(['systemd_service.app.omnitron-agent']);
    const agent = services[0].attributes as { inputs: { $digest: unknown }; reloadInputs: { $digest: unknown }; agentStatus: string };
    expect(JSON.stringify(agent.reloadInputs.$digest)).toContain('DATABASE_URL');
    expect(JSON.stringify(agent.inputs.$digest)).not.toContain('DATABASE_URL');
    expect(agent.agentStatus).toBe('/var/lib/omnitron/agent/status.json');
  });

  it('writes a manifest with the apps, their order and the public key only', () => {
    const file = graph.get('node_file.app.agent-manifest')!.attributes as { content: { $template: Array<string | { $ref: string; output: string }> }; mode: string };
    expect(file.mode).toBe('0600');
    const parts = file.content.$template;
    expect(parts.filter((p) => typeof p !== 'string')).toEqual([{ $ref: 'ed25519_key.agent', output: 'publicJwk' }]);
    const manifest = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '{"kty":"OKP","crv":"Ed25519","x":"k"}')).join(''));
    expect(manifest.apps.map((a: { name: string }) => a.name)).toEqual(['auth', 'media', 'analytics', 'ledger', 'realtime']);
    expect(manifest.apps[1]).toMatchObject({ dependsOn: ['auth'], user: 'omnitron', bootstrap: '/opt/omnitron/apps/media/current/dist/bootstrap.js', startupTimeout: 90_000 });
    expect(manifest.apps[0].health).toEqual({ type: 'http', target: 'http://127.0.0.1:3101/health', interval: 15_000, timeout: 5_000, failureThreshold: 3 });
    expect(manifest.discovery).toMatchObject({ redisUrlEnv: 'OMNITRON_DISCOVERY_REDIS_URL', nodeId: 'platform.production.app', address: '10.9.0.4:9700' });
  });

  it('gives the agent the discovery Redis URL through a secret env file, never the manifest', () => {
    const env = graph.get('node_env_file.app.agent')!;
    expect(env.sensitive).toEqual(['variables.OMNITRON_DISCOVERY_REDIS_URL']);
    expect(JSON.stringify(env.attributes)).toContain('@10.9.0.3:6379/');
  });

  it('keeps the redis password out of everything but secret paths', () => {
    const conf = graph.get('node_file.cache.redis_conf')!;
    expect(conf.sensitive).toEqual(['content']);
    expect((conf.attributes as { mode: string }).mode).toBe('0640');
  });
});

describe('two app nodes', () => {
  it('starts each node\'s agent without waiting for the other when both run every app', () => {
    const twoApps = { ...model, stack: { ...model.stack, nodes: [...model.stack.nodes, { ...model.stack.nodes.find((n) => n.name === 'app')!, name: 'app2', address: '10.9.0.5' }] } };
    const scope = { project: 'platform', stack: 'production', root: path.dirname(example), stackDir: '/tmp/stack' };
    const g = new Map(buildRemoteGraph(twoApps, new Map(), scope, artifacts).map((r) => [r.address, r]));
    expect(g.get('systemd_service.app.omnitron-agent')!.dependsOn).not.toContain('systemd_service.app2.omnitron-agent');
    expect(g.get('systemd_service.app2.omnitron-agent')!.dependsOn).not.toContain('systemd_service.app.omnitron-agent');
  });

  it('ships each node the Node binary of its own machine type', () => {
    const arm = { version: 'v24.0.0', sha256: 'b'.repeat(64), gzPath: '/cache/node-arm64.gz', machine: 'aarch64' };
    const mixed: NodeArtifacts = { ...artifacts, runtimes: new Map([...artifacts.runtimes, ['app', arm]]) };
    const scope = { project: 'platform', stack: 'production', root: path.dirname(example), stackDir: '/tmp/stack' };
    const g = new Map(buildRemoteGraph(model, new Map(), scope, mixed).map((r) => [r.address, r]));
    expect(g.get('node_artifact.app.node')!.attributes).toMatchObject({ sha256: arm.sha256, source: arm.gzPath, machine: 'aarch64' });
  });

  it('announces a node with an IPv6 address as [address]:port, which the agent accepts', () => {
    const v6 = { ...model, stack: { ...model.stack, nodes: model.stack.nodes.map((n) => (n.name === 'app' ? { ...n, address: 'fd00::4' } : n)) } };
    const scope = { project: 'platform', stack: 'production', root: path.dirname(example), stackDir: '/tmp/stack' };
    const g = new Map(buildRemoteGraph(v6, new Map(), scope, artifacts).map((r) => [r.address, r]));
    const parts = (g.get('node_file.app.agent-manifest')!.attributes as { content: { $template: unknown[] } }).content.$template;
    const manifest = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '{"kty":"OKP","crv":"Ed25519","x":"k"}')).join(''));
    expect(manifest.discovery.address).toBe('[fd00::4]:9700');
    expect(() => parseManifest(manifest, 'manifest.json')).not.toThrow();
  });
});
