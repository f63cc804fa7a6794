import { describe, expect, it } from 'vitest';
import { appsOnNode, type NodeArtifacts } from './node-apps.js';
import { appUnitName } from './addresses.js';
import type { AppSpec, NodeSpec } from '../config/model.js';

const hostile = `my app;$(touch /tmp/pwned) 'quoted'`;
const node: NodeSpec = { name: 'app', host: '127.0.0.1', role: 'app', ssh: { user: 'root', port: 22 } };
const app: AppSpec = {
  name: hostile, index: 0, bootstrap: '/src/apps/x/dist/bootstrap.js', root: '/src/apps/x', cwd: '/src', dependsOn: [], critical: false,
  startupTimeout: 30_000, enabled: true, env: {}, instances: 1, requirements: { discovery: false, notifications: false, infrastructure: {} },
};
const artifacts: NodeArtifacts = { node: { version: 'v24.1.0', sha256: 'a'.repeat(64), gzPath: '/c/node.gz' }, launcher: '', releases: new Map([[hostile, { sha256: 'b'.repeat(64), path: '/a/x.tar.gz' }]]) };

describe('apps on a node with a hostile app name', () => {
  const resources = appsOnNode(node, [{ app, env: { variables: { X: 'y' }, secret: [], dependsOn: [] }, after: [] }], artifacts, 'platform');
  const byType = (type: string) => resources.find((r) => r.type === type)!.attributes as Record<string, unknown>;

  it('gives systemd a valid unit name and keeps the real name only in quoted places', () => {
    const unit = appUnitName(hostile);
    expect(unit).toMatch(/^[A-Za-z0-9:_.-]+\.service$/);
    expect(byType('systemd_unit').name).toBe(unit);
    const content = byType('systemd_unit').content as string;
    const execStart = content.split('\n').find((l) => l.startsWith('ExecStart='))!;
    // Every word is double-quoted by systemd's rules; `$` is doubled so systemd expands nothing.
    expect(execStart).toContain(`"/etc/omnitron/env/my app;$$(touch /tmp/pwned) 'quoted'.env"`);
  });

  it('uses the name as data in paths (argv elements, never shell text)', () => {
    expect(byType('node_env_file').path).toBe(`/etc/omnitron/env/${hostile}.env`);
    expect(byType('app_release').root).toBe(`/opt/omnitron/apps/${hostile}`);
  });
});
