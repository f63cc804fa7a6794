import { describe, expect, it } from 'vitest';
import { appsOnNode, type NodeArtifacts } from './node-apps.js';
import type { AppSpec, NodeSpec, StackModel } from '../config/model.js';
import { agentAppName } from '../../contract/agent/app-name.js';

const hostile = `my app;$(touch /tmp/pwned) 'quoted'`;
const node: NodeSpec = { name: 'app', host: '127.0.0.1', role: 'app', ssh: { user: 'root', port: 22 } };
const app: AppSpec = {
  name: hostile, index: 0, bootstrap: '/src/apps/x/dist/bootstrap.js', root: '/src/apps/x', cwd: '/src', dependsOn: [], critical: false,
  startupTimeout: 30_000, enabled: true, env: {}, instances: 1, requirements: { discovery: false, notifications: false, infrastructure: {} },
};
const model = {
  project: 'platform', stack: { name: 'prod', settings: { env: {} } },
  supervision: { strategy: 'one_for_one', maxRestarts: 5, window: 60_000, backoff: { type: 'exponential', initial: 1_000, max: 30_000, factor: 2 } },
  monitoring: { healthCheck: { interval: 15_000, timeout: 5_000 }, metrics: { interval: 5_000, retention: 3_600 } },
  logging: { level: 'info', maxSize: '50mb', maxFiles: 10, compress: true },
} as unknown as StackModel;
const artifacts: NodeArtifacts = {
  runtimes: new Map([['app', { version: 'v24.1.0', sha256: 'a'.repeat(64), gzPath: '/c/node.gz', machine: 'x86_64' }]]),
  agent: { sha256: 'c'.repeat(64), path: '/dist/agent.bundle.mjs' },
  releases: new Map([[hostile, { sha256: 'b'.repeat(64), path: '/a/x.tar.gz', machine: 'x86_64' }]]),
};

describe('apps on a node with a hostile app name', () => {
  const resources = appsOnNode({ model, node, artifacts, after: [], apps: [{ app, env: { variables: { X: 'y' }, secret: [], dependsOn: [] } }] });
  const byAddress = (address: string) => resources.find((r) => r.address === address)!.attributes as Record<string, unknown>;

  it('runs one agent unit whose command line holds no app value', () => {
    const unit = byAddress('systemd_unit.app.omnitron-agent');
    expect(unit.name).toBe('omnitron-agent.service');
    const execStart = (unit.content as string).split('\n').find((l) => l.startsWith('ExecStart='))!;
    expect(execStart).toBe('ExecStart=/opt/omnitron/node/v24.1.0/bin/node --lite-mode /opt/omnitron/runtime/agent.mjs run --manifest /etc/omnitron/agent/manifest.json');
  });

  it('uses the name as data in paths (argv elements, never shell text) and slugs it inside the agent', () => {
    expect(byAddress(`node_env_file.app.${hostile}`).path).toBe(`/etc/omnitron/env/${hostile}.env`);
    expect(byAddress(`app_release.app.${hostile}`).root).toBe(`/opt/omnitron/apps/${hostile}`);
    const slug = agentAppName(hostile);
    expect(slug).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
    const content = (byAddress('node_file.app.agent-manifest').content as { $template: unknown[] }).$template.filter((p) => typeof p === 'string').join('');
    expect(content).toContain(`"name": "${slug}"`);
  });
});
