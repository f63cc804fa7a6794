/**
 * For this provider's integration tests (no test runner imports): the real planner and apply walker
 * over an in-memory state, and a transport wrapper that counts round trips per node.
 */
import { applyPlan, type ApplyOutcome } from '../../../planner/apply.js';
import type { Plan } from '../../../planner/change.js';
import type { EngineEvent } from '../../../planner/events.js';
import { makePlan } from '../../../planner/plan.js';
import type { DesiredResource, ObservedSet, ProviderContext, StateRecord } from '../../../planner/resource.js';
import type { ExecOptions, ExecResult, PutOptions, PutSource, Transport } from '../../../planner/transport.js';
import { systemdProvider } from '../../../providers/systemd/index.js';

/** Counts exec/put/get (each one SSH round trip or more) made through it. */
export class CountingTransport implements Transport {
  execs = 0;
  puts = 0;
  gets = 0;
  readonly commands: string[][] = [];
  constructor(private readonly inner: Transport) {}
  get address(): string { return this.inner.address; }
  get roundTrips(): number { return this.execs + this.puts + this.gets; }
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.execs++;
    this.commands.push([...argv]);
    return this.inner.exec(argv, opts);
  }
  execOrThrow(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.execs++;
    this.commands.push([...argv]);
    return this.inner.execOrThrow(argv, opts);
  }
  put(path: string, source: PutSource, opts?: PutOptions): Promise<void> {
    this.puts++;
    return this.inner.put(path, source, opts);
  }
  get(path: string): Promise<Buffer> {
    this.gets++;
    return this.inner.get(path);
  }
  reset(): void {
    this.execs = this.puts = this.gets = 0;
    this.commands.length = 0;
  }
}

export class MemoryState {
  readonly records = new Map<string, StateRecord>();
  get = (address: string) => this.records.get(address);
  upsert = async (record: StateRecord) => { this.records.set(record.address, record); };
  remove = async (address: string) => { this.records.delete(address); };
}

const types = new Map(systemdProvider.types.map((t) => [t.type, t]));

export async function observeAndPlan(ctx: ProviderContext, desired: DesiredResource[], state: MemoryState): Promise<{ plan: Plan; observed: ObservedSet }> {
  const prior = [...state.records.values()];
  const lookup = (address: string, output: string) => state.get(address)?.outputs[output];
  const observed = await systemdProvider.observe(ctx, { scope: ctx.scope, desired, prior, lookup });
  const plan = makePlan({
    project: ctx.scope.project, stack: ctx.scope.stack, stackType: 'remote', mode: 'normal', desired, prior: new Map(state.records),
    observed: observed.objects, unreadable: observed.unreadable, types, binding: { stateLineage: 'test', stateSerial: 0, configDigest: 'test' },
  });
  return { plan, observed };
}

export async function applyAll(ctx: ProviderContext, plan: Plan, state: MemoryState, events: EngineEvent[] = []): Promise<ApplyOutcome> {
  return applyPlan({ plan, types, store: state, context: { scope: ctx.scope, clients: ctx.clients, signal: ctx.signal }, parallelism: 4, sink: (e) => events.push(e) });
}

/** `address: action (reason)` for every change, for compact assertions. */
export function summary(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.changes.map((c) => [c.address, `${c.action} (${c.reason})`]));
}
