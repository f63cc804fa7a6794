import { describe, expect, it } from 'vitest';
import { normalizeStacks } from './normalize-stacks.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: [], strict: false };
const run = (stacks: Record<string, unknown>) => normalizeStacks(stacks, ctx);
const summaries = (stacks: Record<string, unknown>) => run(stacks).diagnostics.map((d) => `${d.severity} ${d.path}: ${d.summary}`);

describe('normalizeStacks', () => {
  it('defaults nodes: user root, port 22, role app, name = label ?? host', () => {
    const { stacks } = run({ prod: { type: 'cluster', nodes: [{ host: '10.0.0.1' }, { host: '10.0.0.2', label: 'db-1', ssh: { privateKey: './keys/id', port: 2222 }, address: '192.168.0.2', port: 9700 }] } });
    expect(stacks.prod.nodes).toEqual([
      { name: '10.0.0.1', host: '10.0.0.1', role: 'app', ssh: { user: 'root', port: 22 } },
      { name: 'db-1', host: '10.0.0.2', label: 'db-1', role: 'app', address: '192.168.0.2', port: 9700, ssh: { user: 'root', port: 2222, privateKey: '/p/keys/id' } },
    ]);
  });

  it('enforces node counts per stack type', () => {
    expect(summaries({ r: { type: 'remote', nodes: [] } })).toEqual(['error stacks.r.nodes: a remote stack needs exactly one node, got 0']);
    expect(summaries({ c: { type: 'cluster' } })).toEqual(['error stacks.c.nodes: a cluster stack needs at least one node']);
    expect(summaries({ l: { type: 'local', nodes: [{ host: 'x' }] } })).toEqual(['warning stacks.l.nodes: a local stack ignores nodes']);
  });

  it('rejects duplicate node names and bad stack names', () => {
    expect(summaries({ 'my stack': { type: 'cluster', nodes: [{ host: 'a', name: 'n' }, { host: 'b', name: 'n' }] } })).toEqual([
      'error stacks["my stack"]: invalid stack name "my stack"',
      'error stacks["my stack"].nodes[1]: duplicate node name "n" (also nodes[0])',
    ]);
  });

  it('checks each stack on its own', () => {
    const { stacks, diagnostics } = run({ bad: { type: 'k8s' }, good: { type: 'local' } });
    expect(Object.keys(stacks)).toEqual(['good']);
    expect(diagnostics).toHaveLength(1);
  });

  it('normalises override docker blocks like service docker blocks', () => {
    const { stacks } = run({ dev: { type: 'local', serviceOverrides: { s: { docker: { volumes: { d: { source: './data', target: '/d' } }, command: 'run' }, placement: 'db-1' } } } });
    expect(stacks.dev.serviceOverrides.s).toEqual({ docker: { volumes: { d: { source: '/p/data', target: '/d', readonly: false } }, command: ['run'] }, placement: 'db-1' });
  });
});
