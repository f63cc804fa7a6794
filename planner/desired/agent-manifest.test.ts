import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../contract/agent/manifest.js';
import { MANIFEST_FORMAT_VERSION } from '../../contract/agent/manifest-version.js';
import { resolve, type Template } from '../expr.js';
import type { StackModel } from '../config/model.js';
import { app, ecosystem, stack } from '../../test/config/make-ecosystem.js';
import { agentManifest, type ManifestDiscoveryInput } from './agent-manifest.js';
import { appEnvironment } from './app-wiring.js';

const KEY = '{"kty":"OKP","crv":"Ed25519","x":"lxE_46tFeIYWnRT7O09qzcsPwwIaE0znDQTYrMWcIP0"}';
const paths = { stateDir: '/var/lib/omnitron/agent', logDir: '/var/log/omnitron', controlSocket: '/run/omnitron/agent.sock', manifest: '/etc/omnitron/agent/manifest.json', envFile: '/etc/omnitron/agent/agent.env', bundle: '/opt/omnitron/agent.bundle.mjs' };

function model(apps: ReturnType<typeof app>[], extra: Partial<StackModel> = {}): StackModel {
  const eco = ecosystem({ apps });
  return { project: eco.project, root: eco.root, file: eco.file, stack: stack('prod', { type: 'remote' }), apps, services: [], supervision: eco.supervision, monitoring: eco.monitoring, logging: eco.logging, discovery: eco.discovery, ...extra };
}

function manifestOf(m: StackModel, discovery?: ManifestDiscoveryInput) {
  const text = resolve(agentManifest({ model: m, node: 'app', paths, discovery, apps: m.apps.map((a) => ({ app: a, entry: `/opt/omnitron/apps/${a.name}/current/dist/bootstrap.js`, cwd: `/opt/omnitron/apps/${a.name}/current`, envFile: `/etc/omnitron/env/${a.name}.env` })) }) as Template,
    (address, output) => (address === 'ed25519_key.agent' && output === 'publicJwk' ? KEY : undefined)) as string;
  return parseManifest(JSON.parse(text), 'manifest.json');
}

describe('agentManifest', () => {
  it('writes the current format, instances when more than one, and each app\'s restartPolicy laid over supervision', () => {
    const m = model([
      app('api', 0, { instances: 3, env: { PORT: '3000' } }),
      app('worker', 1, { restartPolicy: { maxRestarts: 10, backoff: { initial: 500 } } }),
      app('cron', 2, { restartPolicy: { enabled: false } }),
      app('mail', 3, { restartPolicy: { delay: 2_000 } }),
    ]);
    const manifest = manifestOf(m);
    expect(manifest.formatVersion).toBe(MANIFEST_FORMAT_VERSION);
    const [api, worker, cron, mail] = manifest.apps;
    expect(api.instances).toBe(3);
    expect(api.health?.target).toBe('http://127.0.0.1:3000/health');
    expect(worker.instances).toBeUndefined();
    expect(api.restart).toEqual({ strategy: 'one_for_one', maxRestarts: 5, window: 60_000, backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 } });
    expect(worker.restart).toEqual({ strategy: 'one_for_one', maxRestarts: 10, window: 60_000, backoff: { type: 'exponential', initial: 500, max: 30_000, factor: 2 } });
    expect(cron.restart.maxRestarts).toBe(0);
    expect(mail.restart.backoff).toEqual({ type: 'fixed', initial: 2_000, max: 30_000, factor: 2 });
  });
});

describe('the manifest\'s discovery block', () => {
  const identity = { redisUrlEnv: 'OMNITRON_DISCOVERY_REDIS_URL', nodeId: 'platform.prod.app', address: '10.0.0.5:9700' };
  const apps = [app('api', 0, { requirements: { discovery: true } }), app('cron', 1)];

  it('carries the ecosystem\'s discovery settings to the agent', () => {
    const m = model(apps, { discovery: { redisPrefix: '{acme:discovery}', heartbeatInterval: 2_000, heartbeatTTL: 6_000 } });
    expect(manifestOf(m, identity).discovery).toEqual({
      ...identity, redisPrefix: '{acme:discovery}', heartbeatInterval: 2_000, heartbeatTTL: 6_000,
      pubSubEnabled: true, pubSubChannel: 'titan:discovery:events', apps: ['api'],
    });
  });

  it('uses titan-discovery\'s defaults when the config says nothing', () => {
    expect(manifestOf(model(apps), identity).discovery).toMatchObject({ redisPrefix: 'titan:discovery', heartbeatInterval: 5_000, heartbeatTTL: 15_000 });
  });
});

describe('appEnvironment', () => {
  it('gives apps logging.level as LOG_LEVEL unless their env sets it; the stack\'s settings.env still wins', () => {
    const quiet = app('quiet', 0);
    const loud = app('loud', 1, { env: { LOG_LEVEL: 'debug' } });
    const m = model([quiet, loud], { logging: { level: 'warn', maxSize: '50mb', maxFiles: 10, compress: true } });
    const env = (a: typeof quiet, mm = m) => appEnvironment({ model: mm, prior: new Map(), services: new Map() } as unknown as Parameters<typeof appEnvironment>[0], a).variables.LOG_LEVEL;
    expect(env(quiet)).toBe('warn');
    expect(env(loud)).toBe('debug');
    expect(env(quiet, { ...m, stack: stack('prod', { type: 'remote', settings: { env: { LOG_LEVEL: 'error' } } }) })).toBe('error');
    expect(env(quiet, { ...m, stack: stack('prod', { type: 'remote', settings: { env: {}, logLevel: 'trace' } }) })).toBe('trace');
    expect(env(loud, { ...m, stack: stack('prod', { type: 'remote', settings: { env: {}, logLevel: 'trace' } }) })).toBe('debug');
  });
});
