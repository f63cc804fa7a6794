import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeSpec, StackModel } from '../planner/config/model.js';
import type { StateRecord } from '../planner/resource.js';
import { createControlVerifier, generateAgentKeyPair, type JWK } from '../contract/agent/control-token.js';
import { agentSigningKey, agentTargets, endpointFor, queryStatuses } from './agent-access.js';
import { AgentUnavailable, type AgentEndpoint } from './agent-endpoint.js';
import type { AgentStatus } from '../contract/agent/status.js';
import { AGENT_KEY_ADDRESS } from '../planner/desired/agent-key.js';

function model(type: 'local' | 'remote', nodes: Array<Partial<NodeSpec> & { name: string }> = []): StackModel {
  return { stack: { name: 'prod', type, nodes: nodes.map((n) => ({ host: '10.0.0.1', role: 'app', ssh: { user: 'root', port: 22 }, ...n })) } } as unknown as StackModel;
}

function record(address: string, attributes: Record<string, unknown> = {}, outputs: Record<string, unknown> = {}): StateRecord {
  return { address, type: address.split('.')[0], attributes, outputs, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' } as StateRecord;
}

describe('agentTargets', () => {
  it('finds the local agent of a local stack under the stack directory', () => {
    expect(agentTargets(model('local'), [], '/srv/p/.omnitron/dev')).toEqual([
      { kind: 'local', target: 'local', manifest: '/srv/p/.omnitron/dev/agent/manifest.json', socket: '/srv/p/.omnitron/dev/agent/agent.sock' },
    ]);
  });

  it('asks the nodes apply gave a Node runtime, names a node that should have one, and skips nodes without apps', () => {
    const nodes = [{ name: 'web-1' }, { name: 'web.2' }, { name: 'db' }, { name: 'new', apps: ['api'] }];
    const records = [
      record('node_artifact.web-1.node', { node: 'web-1', path: '/opt/omnitron/node/v24.1.0/bin/node' }),
      record('node_artifact.web_2.node', { node: 'web.2', path: '/opt/omnitron/node/v24.1.0/bin/node' }),
    ];
    expect(agentTargets(model('remote', nodes), records, '/x')).toEqual([
      { kind: 'node', target: 'web-1', subject: 'web-1', nodeBinary: '/opt/omnitron/node/v24.1.0/bin/node' },
      { kind: 'node', target: 'web.2', subject: 'web.2', nodeBinary: '/opt/omnitron/node/v24.1.0/bin/node' },
      { kind: 'missing', target: 'new', problem: 'agent not installed yet', hint: 'Run `omnitron apply` to install it.' },
    ]);
  });

  it('signs for the node name the manifest uses (slugged when it is not a plain word)', () => {
    const [target] = agentTargets(model('remote', [{ name: 'web 1' }]), [record('node_artifact.web 1.node', { path: '/n' })], '/x');
    expect(target).toMatchObject({ target: 'web 1', subject: expect.stringMatching(/^web-1-[0-9a-f]+$/) });
  });
});

describe('agentSigningKey', () => {
  it('reads the private JWK from state, and says to apply when it is missing or damaged', async () => {
    const { privateJwk } = await generateAgentKeyPair();
    expect(agentSigningKey([record(AGENT_KEY_ADDRESS, {}, { privateJwk: JSON.stringify(privateJwk) })], 'prod')).toEqual(privateJwk);
    expect(() => agentSigningKey([], 'prod')).toThrow(/stack "prod" has no agent key in state \(ed25519_key.agent\)/);
    expect(() => agentSigningKey([record(AGENT_KEY_ADDRESS, {}, { privateJwk: '{nope' })], 'prod')).toThrow(/damaged/);
    expect(() => agentSigningKey([record(AGENT_KEY_ADDRESS, {}, { privateJwk: JSON.stringify({ kty: 'RSA', n: 'x' }) })], 'prod')).toThrow(/damaged/);
    try {
      agentSigningKey([record(AGENT_KEY_ADDRESS, {}, { privateJwk: '{nope' })], 'prod');
    } catch (err) {
      expect(JSON.stringify(err)).not.toContain('{nope');
    }
  });
});

describe('endpointFor (local)', () => {
  let dir: string;
  let keys: { privateJwk: JWK; publicJwk: JWK };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-access-'));
    keys = await generateAgentKeyPair();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says the agent is not there yet when apply wrote no manifest, and not running when nothing listens', async () => {
    const access = { key: keys.privateJwk, clients: { transport: () => Promise.reject(new Error('not used')) } };
    const target = { kind: 'local' as const, target: 'local' as const, manifest: path.join(dir, 'manifest.json'), socket: path.join(dir, 'agent.sock') };
    await expect(endpointFor(target, access).status()).rejects.toThrow(`no agent for this stack yet (${target.manifest} does not exist)`);
    await writeFile(target.manifest, JSON.stringify({ node: 'local' }));
    await expect(endpointFor(target, access).status()).rejects.toThrow(`agent not running: nothing answers on ${target.socket}`);
  });

  it('a missing target always answers with its problem', async () => {
    const endpoint = endpointFor({ kind: 'missing', target: 'new', problem: 'agent not installed yet', hint: 'Run it.' }, { key: keys.privateJwk, clients: { transport: () => Promise.reject(new Error('x')) } });
    await expect(endpoint.status()).rejects.toMatchObject({ message: 'agent not installed yet', hint: 'Run it.' });
  });

  it('signs node tokens the node\'s agent accepts and another node refuses', async () => {
    let stdin = '';
    const transport = { address: 'node.web-1', exec: async (_argv: readonly string[], opts: { stdin?: string | Buffer } = {}) => { stdin = String(opts.stdin); return { code: 0, stdout: '{"apps":[],"agent":{}}', stderr: '' }; } };
    const access = { key: keys.privateJwk, clients: { transport: async () => transport as never } };
    await endpointFor({ kind: 'node', target: 'web-1', subject: 'web-1', nodeBinary: '/n' }, access).status();
    await expect((await createControlVerifier(keys.publicJwk, 'web-1'))(`Bearer ${stdin.trim()}`, 'status')).resolves.toBeUndefined();
    await expect((await createControlVerifier(keys.publicJwk, 'web-2'))(`Bearer ${stdin.trim()}`, 'status')).rejects.toThrow(/"sub" claim invalid/);
  });
});

describe('queryStatuses', () => {
  const status = { node: 'a', apps: [], agent: { state: 'running' } } as unknown as AgentStatus;
  const endpoint = (target: string, answer: () => Promise<AgentStatus>): AgentEndpoint => ({ target, status: answer, logs: () => Promise.resolve() });

  it('asks all at once and turns every failure into a line for its target', async () => {
    const hang = (_s?: AbortSignal) => new Promise<AgentStatus>((_resolve, reject) => { _s?.addEventListener('abort', () => reject(new Error('aborted'))); });
    const started = Date.now();
    const result = await queryStatuses([
      endpoint('a', async () => status),
      endpoint('b', () => Promise.reject(new AgentUnavailable('agent not running: nothing answers on /s', 'Run apply.'))),
      { target: 'c', status: hang, logs: () => Promise.resolve() },
      endpoint('d', () => Promise.reject(new TypeError('boom'))),
    ], new AbortController().signal, 300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toEqual([
      { target: 'a', status },
      { target: 'b', problem: 'agent not running: nothing answers on /s', hint: 'Run apply.' },
      { target: 'c', problem: 'no answer within 0.3 s' },
      { target: 'd', problem: 'unexpected failure: boom (please report)' },
    ]);
  });

  it('says "interrupted" after Ctrl-C instead of calling it a failure', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await queryStatuses([endpoint('a', () => Promise.reject(new DOMException('aborted', 'AbortError')))], abort.signal)).toEqual([{ target: 'a', problem: 'interrupted' }]);
  });
});
