/**
 * The in-memory provider the synthetic benchmarks plan and apply against: every type decides with
 * planner/diff.js's defaultDecision (services cannot change image in place), and apply returns at once.
 */
import { defaultDecision } from '../../dist/planner/diff.js';
import { outputsOf } from './synthetic-graph.js';

const REPLACE_ON = { mem_service: ['image'] };

function memoryType(type) {
  const opts = { replaceOn: REPLACE_ON[type] ?? [] };
  return {
    type,
    sensitiveOutputs: type === 'mem_secret' ? ['result'] : [],
    plan: (input) => defaultDecision(input, opts),
    recordOutputs: (observed) => outputsOf(observed.address),
    async apply(_ctx, op) {
      if (op.action === 'delete') return undefined;
      return { id: `id-${op.address}`, attributes: op.attributes, outputs: outputsOf(op.address) };
    },
  };
}

export const memoryTypes = new Map(['mem_secret', 'mem_volume', 'mem_service', 'mem_gateway'].map((t) => [t, memoryType(t)]));

/** A RecordStore kept in a Map: what applyPlan costs without durable state. */
export function memoryStore() {
  const records = new Map();
  return {
    records,
    get: (address) => records.get(address),
    upsert: async (record) => { records.set(record.address, record); },
    remove: async (address) => { records.delete(address); },
  };
}
