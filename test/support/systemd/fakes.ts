/**
 * Fakes for this provider's unit tests (no test runner imports, so it type-checks with the rest):
 * a node that answers the probe from a fact table and records every other command, probe answers
 * in the probe's own wire format, and a ProviderContext whose transports are these nodes.
 */
import { createHash } from 'node:crypto';
import type { Json } from '../../../planner/expr.js';
import { configHash } from '../../../planner/hash.js';
import { ProviderError, type Observed, type ProviderContext, type ProviderEvent, type StateRecord } from '../../../planner/resource.js';
import { RecordingTransport } from '../../../providers/ssh/recording-transport.js';
import type { ExecOptions, ExecResult, Transport } from '../../../planner/transport.js';
import type { Attrs, NodeResourceType, ReadContext } from '../../../providers/systemd/node-type.js';
import { decodeRequests, encodeAnswer, type ProbeRequest, type RawAnswer, type RawStatus } from '../../../providers/systemd/probe.js';

export interface FakeAnswer { status: RawStatus; fields?: Array<string | Buffer> }
export type FactTable = (request: ProbeRequest) => FakeAnswer;

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export const answer = {
  missing: (): FakeAnswer => ({ status: 'missing' }),
  error: (why: string): FakeAnswer => ({ status: 'error', fields: [why] }),
  conflict: (what: string): FakeAnswer => ({ status: 'conflict', fields: [what] }),
  file: (content: string, o: { mode?: string; owner?: string; group?: string; withContent?: boolean } = {}): FakeAnswer => ({
    status: 'ok',
    fields: [o.mode ?? '644', o.owner ?? 'root', o.group ?? 'root', String(Buffer.byteLength(content)), sha(content), ...(o.withContent === false ? [] : [content])],
  }),
  dir: (mode = '755', owner = 'root', group = 'root'): FakeAnswer => ({ status: 'ok', fields: [mode, owner, group] }),
  user: (name: string, uid: number, home: string, shell: string): FakeAnswer => ({ status: 'ok', fields: [`${name}:x:${uid}:${uid}::${home}:${shell}\n`] }),
  pkg: (version: string, status = 'ii '): FakeAnswer => ({ status: 'ok', fields: [`${status}\t${version}`] }),
  unit: (props: Record<string, string | number>, fragmentSha = ''): FakeAnswer => ({
    status: 'ok',
    fields: [Object.entries({ LoadState: 'loaded', ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled', NeedDaemonReload: 'no', NRestarts: 0, ExecMainCode: 0, ExecMainStatus: 0, FragmentPath: '', ...props }).map(([k, v]) => `${k}=${v}`).join('\n'), fragmentSha],
  }),
  marker: (inputs: string, unitSha = '', reload?: string): FakeAnswer => ({
    status: 'ok', fields: [`inputs ${inputs}\nunit ${unitSha}${reload === undefined ? '' : `\nreload ${reload}`}`],
  }),
  release: (current: string | undefined, releases: string[]): FakeAnswer => ({ status: 'ok', fields: [current ? `releases/${current}` : '', releases.join('\n')] }),
  command: (code: number, stdout: string, stderr = ''): FakeAnswer => ({ status: 'ok', fields: [String(code), stdout, stderr] }),
};

/** A node: the probe is answered from `facts`, everything else is recorded (and scripted with respond()). */
export class FakeNode extends RecordingTransport {
  probes = 0;
  constructor(address: string, private readonly facts: FactTable) {
    super(address);
  }

  override async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const result = await super.exec(argv, opts);
    if (argv[0] !== 'sh' || argv[3] !== 'omnitron-probe') return result;
    this.probes++;
    const requests = decodeRequests(String(opts.stdin ?? ''));
    const lines = requests.map((r, i) => {
      const a = this.facts(r);
      return `${encodeAnswer(i, a.status, a.fields)}\n`;
    });
    return { code: 0, stdout: lines.join(''), stderr: '' };
  }
}

export interface FakeContext extends ProviderContext {
  events: ProviderEvent[];
}

/** Transports by node name; a string stands for a node that cannot be reached (the ProviderError's message). */
export function fakeContext(nodes: Record<string, Transport | string>): FakeContext {
  const events: ProviderEvent[] = [];
  return {
    scope: { project: 'shop', stack: 'prod', root: '/work', stackDir: '/work/.omnitron/prod', lineage: 'test-lineage' },
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    events,
    clients: {
      docker: () => { throw new Error('not used'); },
      forward: () => { throw new Error('not used'); },
      transport: async (node) => {
        const t = nodes[node];
        if (t === undefined) throw new ProviderError(`node.${node}`, `unknown node ${node}`);
        if (typeof t === 'string') throw new ProviderError(`node.${node}`, t);
        return t;
      },
    },
  };
}

export function rawOf(a: FakeAnswer): RawAnswer {
  return { status: a.status, fields: (a.fields ?? []).map((f) => Buffer.from(f)) };
}

/** What observe would make of `attrs` on a node whose facts are `table`. */
export function observeWith(type: NodeResourceType, address: string, attrs: Attrs, table: FactTable, rc: ReadContext = { sensitive: [], desired: true }): Observed | undefined {
  return type.read(address, attrs, (r) => rawOf(table(r)), rc);
}

/** A state record as apply would have written it for `attributes`. */
export function stateRecord(address: string, type: string, attributes: Json, extra: Partial<StateRecord> = {}): StateRecord {
  return { address, type, attributes, outputs: {}, dependsOn: [], sensitive: [], hash: configHash(attributes), updatedAt: '2025-01-01T00:00:00.000Z', ...extra };
}

export { sha as sha256hex };
