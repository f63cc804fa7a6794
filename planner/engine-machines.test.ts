import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStack, observeStack, type LoadedStack, type Runtime, type StoreView } from './engine.js';
import type { DesiredResource, Provider, StateRecord } from './resource.js';
import type { Transport } from './transport.js';

const CONFIG = `export default {
  project: 'spec',
  apps: [{ name: 'api', script: './apps/api/main.js' }],
  stacks: { prod: { type: 'cluster', apps: 'all', nodes: [{ name: 'n1', host: '127.0.0.1', hostKey: 'SHA256:auIVUi4eS/Bv3aa8VKwaca5C5m0/INEEBv+OywjRP1I' }] } },
};
`;

let dir: string;
let stack: LoadedStack;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omnitron-machines-'));
  await mkdir(path.join(dir, 'apps/api'), { recursive: true });
  await writeFile(path.join(dir, 'apps/api/main.js'), 'setInterval(() => {}, 1000);\n');
  await writeFile(path.join(dir, 'omnitron.config.mjs'), CONFIG);
  const agent = path.join(dir, 'agent.bundle.mjs');
  await writeFile(agent, '// agent\n');
  process.env.OMNITRON_AGENT_BUNDLE = agent;
  stack = await loadStack({ cwd: dir, stack: 'prod' });
});

afterAll(async () => {
  delete process.env.OMNITRON_AGENT_BUNDLE;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A stack whose only node answers `uname -m` with `machine`, and whose one provider counts observations. */
function world(machine: string) {
  const asked: string[] = [];
  const observations: DesiredResource[][] = [];
  const transport = { address: 'node.n1', execOrThrow: async (argv: readonly string[]) => { asked.push(argv.join(' ')); return { code: 0, stdout: `${machine}\n`, stderr: '' }; } } as unknown as Transport;
  const provider: Provider = {
    name: 'nodes', types: [{ type: 'node_artifact' }] as unknown as Provider['types'],
    observe: async (_ctx, request) => { observations.push(request.desired); return { objects: new Map(), unreadable: new Map() }; },
  };
  const runtime = {
    providers: [provider], sink: () => {}, signal: new AbortController().signal,
    clients: { transport: async () => transport, connectAll: async () => {} },
  } as unknown as Runtime;
  return { runtime, asked, observations };
}

function storeWith(records: StateRecord[]): StoreView {
  return { records: () => records, lineage: 'l', persistedSerial: 1 } as unknown as StoreView;
}

function runtimeRecord(machine: string): StateRecord {
  return { address: 'node_artifact.n1.node', type: 'node_artifact', attributes: { machine }, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '' } as unknown as StateRecord;
}

const machineOf = (desired: readonly DesiredResource[]) => (desired.find((d) => d.address === 'node_artifact.n1.node')?.attributes as { machine?: string }).machine;

describe('the nodes\' machine types in a plan', () => {
  it('with a machine type in state, observes once, with it, while the node is asked', async () => {
    const { runtime, asked, observations } = world('x86_64');
    const request = await observeStack(stack, storeWith([runtimeRecord('x86_64')]), runtime, { mode: 'normal', allowEmpty: true });
    expect(asked).toEqual(['uname -m']);
    expect(observations.map(machineOf)).toEqual(['x86_64']);
    expect(machineOf(request.desired)).toBe('x86_64');
  });

  it('a node whose answer differs from state (reinstalled) is planned with its real type; what the record implied is not reported', async () => {
    // No Node build exists for the recorded type: planning with it fails, and that failure is moot.
    const { runtime, observations } = world('x86_64');
    const request = await observeStack(stack, storeWith([runtimeRecord('riscv64')]), runtime, { mode: 'normal', allowEmpty: true });
    expect(observations.map(machineOf)).toEqual(['x86_64']);
    expect(machineOf(request.desired)).toBe('x86_64');
  });

  it('names a machine the same however uname spells it', async () => {
    const { runtime, observations } = world('amd64');
    const request = await observeStack(stack, storeWith([runtimeRecord('x86_64')]), runtime, { mode: 'normal', allowEmpty: true });
    expect(observations.map(machineOf)).toEqual(['x86_64']);
    expect(machineOf(request.desired)).toBe('x86_64');
  });

  it('without a record, asks first and observes once', async () => {
    const { runtime, asked, observations } = world('x86_64');
    const request = await observeStack(stack, storeWith([]), runtime, { mode: 'normal', allowEmpty: true });
    expect(asked).toEqual(['uname -m']);
    expect(observations.map(machineOf)).toEqual(['x86_64']);
    expect(machineOf(request.desired)).toBe('x86_64');
  });
});
