/**
 * A node's `address` becomes a client line of pg_hba.conf on the database node. One that carries a
 * newline and a second rule (`host all all 0.0.0.0/0 trust`) must be refused when the config is
 * loaded, so no model, and no pg_hba.conf, is ever made from it; every address that is accepted
 * renders as exactly one well-formed line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadEcosystemFromObject } from '../config/load-ecosystem.js';
import { resolveStack } from '../config/resolve-stack.js';
import { makeProject } from '../../test/config/make-project.js';
import { buildRemoteGraph } from './remote-stack.js';
import type { NodeArtifacts } from './node-apps.js';

const project = makeProject({
  'apps/ledger/dist/bootstrap.js': '',
  'apps/ledger/config/default.json': { omnitron: { database: true } },
});
afterAll(() => project.remove());

const artifacts: NodeArtifacts = {
  runtimes: new Map(['db', 'app'].map((n) => [n, { version: 'v24.0.0', sha256: 'a'.repeat(64), gzPath: '/cache/node.gz', machine: 'x86_64' }])),
  agent: { sha256: 'c'.repeat(64), path: '/dist/runtime/agent.bundle.mjs' },
  releases: new Map([['ledger', { sha256: 'ledger-sha', path: '/artifacts/ledger.tar.gz', machine: 'x86_64' }]]),
};

function load(address: string | undefined, host = '10.9.0.4') {
  return loadEcosystemFromObject({
    project: 'platform',
    apps: [{ name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js' }],
    stacks: {
      production: {
        type: 'cluster',
        nodes: [{ host: '10.9.0.2', name: 'db', role: 'database' }, { host, name: 'app', role: 'app', ...(address === undefined ? {} : { address }) }],
      },
    },
  }, { file: project.file('omnitron.config.mjs') });
}

function hbaFor(address: string): string {
  const loaded = load(address);
  const model = resolveStack(loaded.ecosystem!, 'production').model!;
  const scope = { project: 'platform', stack: 'production', root: project.dir, stackDir: '/tmp/stack' };
  const hba = buildRemoteGraph(model, new Map(), scope, artifacts).find((r) => r.address === 'node_file.db.postgres_hba')!;
  return (hba.attributes as { content: string }).content;
}

const HOSTILE = [
  '10.9.0.4/32 scram-sha-256\nhost all all 0.0.0.0/0 trust\n#',
  '10.9.0.4\rhost all all 0.0.0.0/0 trust',
  '0.0.0.0/0',
  '10.9.0.4 trust',
  '10.9.0.4\ttrust',
  'all',
  'samehost',
  '"10.9.0.4"',
  '10.9.0.4#',
  '10.9.0.4\0',
];

describe('pg_hba.conf and node addresses', () => {
  it.each(HOSTILE)('refuses the address %j when the config is loaded, so nothing is rendered from it', (address) => {
    const loaded = load(address);
    expect(loaded.ecosystem).toBeUndefined();
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', path: 'stacks.production.nodes[1].address' }));
  });

  it.each(HOSTILE)('refuses the host %j of a node without an address (the host is then its address)', (host) => {
    const loaded = load(undefined, host);
    expect(loaded.ecosystem).toBeUndefined();
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', path: 'stacks.production.nodes[1].host' }));
  });

  it.each(['10.9.0.4', 'fd00::4', 'app.platform.internal'])('renders the accepted address %s as one client line, nothing else', (address) => {
    const content = hbaFor(address);
    const clients = content.split('\n').filter((l) => l.startsWith('host    "'));
    const expected = address === '10.9.0.4' ? '10.9.0.4/32' : address === 'fd00::4' ? 'fd00::4/128' : address;
    expect(clients).toEqual([`host    "ledger"   "ledger"   ${expected}   scram-sha-256`]);
    expect(content).not.toMatch(/trust|0\.0\.0\.0\/0/);
    expect(content.split('\n').every((l) => l === '' || l.startsWith('#') || /^(local|host) +\S+ +\S+ +(\S+ +)?(peer|scram-sha-256)$/.test(l))).toBe(true);
  });
});
