/** Manifest builders for the agent's tests (unit and integration). */
import path from 'node:path';
import type { JWK } from '../../../contract/agent/control-token.js';
import { MANIFEST_FORMAT_VERSION, type AgentManifest, type ManifestApp } from '../../../contract/agent/manifest.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/agent');

export function testApp(app: Partial<ManifestApp> & { name: string; envFile: string }): ManifestApp {
  return {
    cwd: FIXTURES,
    dependsOn: [],
    critical: false,
    startupTimeout: 5_000,
    shutdown: { priority: 0, timeout: 3_000 },
    restart: { strategy: 'one_for_one', maxRestarts: 3, window: 60_000, backoff: { type: 'fixed', initial: 100, max: 100, factor: 1 } },
    logs: { maxSize: 1_000_000, maxFiles: 2, compress: false },
    ...(app.bootstrap ? {} : { script: path.join(FIXTURES, 'ticker.mjs') }),
    ...app,
  };
}

export function testManifest(dir: string, publicKey: JWK, apps: ManifestApp[], node = 'node-1'): AgentManifest {
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    project: 'acme',
    stack: 'test',
    node,
    stateDir: path.join(dir, 'state'),
    logDir: path.join(dir, 'logs'),
    controlSocket: path.join(dir, 'agent.sock'),
    publicKey: publicKey as AgentManifest['publicKey'],
    metricsInterval: 1_000,
    apps,
  };
}
