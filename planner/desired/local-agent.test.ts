import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEcosystem } from '../config/load-ecosystem.js';
import { resolveStack } from '../config/resolve-stack.js';
import type { StackModel } from '../config/model.js';
import { isTemplate, refsOf, resolve, type Template } from '../expr.js';
import type { DesiredResource, StackScope } from '../resource.js';
import { buildDesiredGraph } from './desired-graph.js';
import { LOCAL_AGENT_ADDRESS, type LocalAgentArtifacts } from './local-agent.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
const root = path.dirname(example);
const scope: StackScope = { project: 'platform', stack: 'dev', root, stackDir: '/work/p/.omnitron/dev' };
const artifacts: LocalAgentArtifacts = { bundle: { path: '/omnitron/dist/runtime/agent.bundle.mjs', sha256: 'c'.repeat(64) }, node: '/usr/local/bin/node', revisions: new Map([['auth', 'r1']]) };
const APPS = ['auth', 'media', 'analytics', 'ledger', 'realtime'];

let model: StackModel;
let graph: Map<string, DesiredResource>;
let agent: DesiredResource;
let attrs: Record<string, unknown>;
/** The manifest with the key's slot filled, parsed. */
let manifest: { node: string; stateDir: string; controlSocket: string; apps: Array<Record<string, unknown>>; discovery?: Record<string, unknown> };

beforeAll(async () => {
  model = resolveStack((await loadEcosystem({ file: example })).ecosystem!, 'dev').model!;
  graph = new Map(buildDesiredGraph(model, new Map(), scope, artifacts).map((r) => [r.address, r]));
  agent = graph.get(LOCAL_AGENT_ADDRESS)!;
  attrs = agent.attributes as Record<string, unknown>;
  const text = resolve(attrs.manifest as Template, (address, output) => (address === 'ed25519_key.agent' && output === 'publicJwk' ? '{"kty":"OKP"}' : undefined));
  manifest = JSON.parse(text as string) as typeof manifest;
});

describe('local stack graph: the apps under the agent', () => {
  it('adds the control key and one local_agent, started from the bundle with the CLI\'s Node', () => {
    expect(graph.get('ed25519_key.agent')?.attributes).toEqual({ purpose: 'agent-control' });
    expect(agent.type).toBe('local_agent');
    expect(attrs).toMatchObject({
      bundle: artifacts.bundle.path, bundleSha256: artifacts.bundle.sha256, node: artifacts.node,
      manifestPath: '/work/p/.omnitron/dev/agent/manifest.json', pidFile: '/work/p/.omnitron/dev/agent/agent.pid',
      logFile: '/work/p/.omnitron/dev/agent/agent.log', statusFile: '/work/p/.omnitron/dev/agent/state/status.json', envFile: '/work/p/.omnitron/dev/agent/agent.env',
    });
    expect(agent.startupTimeout).toBe(120 + 30);
  });

  it('runs every app from the project as it is, with its env file, as the developer', () => {
    expect(manifest.node).toBe('local');
    expect(manifest.stateDir).toBe('/work/p/.omnitron/dev/agent/state');
    expect(manifest.apps.map((a) => a.name)).toEqual(APPS);
    for (const app of manifest.apps) {
      expect(app.bootstrap).toBe(path.join(root, `apps/${app.name as string}/dist/bootstrap.js`));
      expect(app.envFile).toBe(`/work/p/.omnitron/dev/env/${app.name as string}.env`);
      expect(app).not.toHaveProperty('user');
      expect(app.cwd).toBe(model.apps.find((a) => a.name === app.name)!.cwd);
    }
    expect(manifest.apps.find((a) => a.name === 'ledger')).toMatchObject({ dependsOn: ['auth'], health: { type: 'http', target: 'http://127.0.0.1:3104/health' } });
    // an app's revision (its files' digest) is in the manifest, so rebuilding it reloads the agent, which restarts it
    expect(manifest.apps.find((a) => a.name === 'auth')!.revision).toBe('r1');
    expect(manifest.apps.find((a) => a.name === 'ledger')).not.toHaveProperty('revision');
  });

  it('waits for every env file, and gives discovery its Redis URL only through the agent\'s environment', () => {
    expect(agent.dependsOn).toEqual(expect.arrayContaining(APPS.map((a) => `env_file.${a}`)));
    expect(agent.dependsOn).toContain('redis_database.shared_discovery');
    expect(manifest.discovery).toMatchObject({ redisUrlEnv: 'OMNITRON_DISCOVERY_REDIS_URL', nodeId: 'platform.dev.local', address: '127.0.0.1:9700', apps: ['auth', 'media', 'realtime'] });
    const url = (attrs.environment as Record<string, unknown>).OMNITRON_DISCOVERY_REDIS_URL;
    expect(isTemplate(url)).toBe(true);
    expect([...refsOf(url as Template)]).toEqual(['random_password.redis_password']);
    expect(agent.sensitive).toEqual(['environment.OMNITRON_DISCOVERY_REDIS_URL']);
    expect([...refsOf(attrs.manifest as Template)]).toEqual(['ed25519_key.agent']);
  });

  it('follows the apps\' environment with a digest, so a changed variable reloads the agent', () => {
    const edited = { ...model, stack: { ...model.stack, settings: { ...model.stack.settings, env: { LOG_LEVEL: 'warn' } } } };
    const other = buildDesiredGraph(edited, new Map(), scope, artifacts).find((r) => r.address === LOCAL_AGENT_ADDRESS)!;
    const lookup = () => 'x';
    expect(resolve((other.attributes as Record<string, never>).reloadInputs, lookup)).not.toBe(resolve(attrs.reloadInputs as never, lookup));
    expect(resolve((other.attributes as Record<string, never>).manifest, lookup)).toBe(resolve(attrs.manifest as never, lookup));
  });

  it('has no agent without apps, and needs no bundle then', () => {
    const noApps = { ...model, apps: [] };
    const addresses = buildDesiredGraph(noApps, new Map(), scope).map((r) => r.address);
    expect(addresses.filter((a) => a.startsWith('local_agent.') || a.startsWith('ed25519_key.'))).toEqual([]);
  });

  it('refuses to plan apps without the prepared bundle (an engine bug, not a user error)', () => {
    expect(() => buildDesiredGraph(model, new Map(), scope)).toThrow(/internal: .*agent bundle/);
  });
});
