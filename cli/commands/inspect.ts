/** Read-only commands: validate, graph, state list/show, force-unlock. */
import { buildDesiredGraph, dependenciesOf } from '../../planner/desired/desired-graph.js';
import { UserError } from '../../planner/diagnostics.js';
import { prepareNodeArtifacts } from '../../planner/artifacts/prepare.js';
import { prepareLocalAgent } from '../../planner/desired/local-agent.js';
import { maskedRecord } from '../../planner/state/masked-record.js';
import { openSession, openStore, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

export async function validateCommand(flags: StackOptions & { json?: boolean }, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const { model } = session.stack;
  const warnings = session.stack.diagnostics.length;
  if (flags.json) {
    out.print(JSON.stringify({ format_version: '1.0', valid: true, stack: model.stack.name, warning_count: warnings, diagnostics: session.stack.diagnostics }, null, 2));
  } else {
    out.print(`Success! The configuration is valid${warnings ? `, with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`);
    out.print(`  project ${model.project}, stack ${model.stack.name} (${model.stack.type}): ${model.apps.length} apps, ${model.services.length} services`);
  }
  return 0;
}

export async function graphCommand(flags: StackOptions, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const store = await openStore(session);
  const prior = new Map(store.records().map((r) => [r.address, r]));
  const { model, scope } = session.stack;
  const artifacts = model.stack.type === 'local' ? await prepareLocalAgent(model) : await prepareNodeArtifacts(model, scope);
  const desired = buildDesiredGraph(model, prior, scope, artifacts);
  const lines = ['digraph omnitron {', '  rankdir = "RL";', '  node [shape = rect];'];
  for (const r of desired) lines.push(`  ${JSON.stringify(r.address)};`);
  for (const r of desired) for (const d of dependenciesOf(r).sort()) lines.push(`  ${JSON.stringify(r.address)} -> ${JSON.stringify(d)};`);
  lines.push('}');
  out.print(lines.join('\n'));
  return 0;
}

export async function stateListCommand(flags: StackOptions, out: Output): Promise<number> {
  const store = await openStore(await openSession(flags, out));
  const records = store.records();
  if (records.length > 0) out.print(records.map((r) => r.address).join('\n'));
  return 0;
}

export async function stateShowCommand(address: string, flags: StackOptions, out: Output): Promise<number> {
  const store = await openStore(await openSession(flags, out));
  const record = store.get(address);
  if (!record) {
    throw new UserError({ severity: 'error', summary: `no resource ${address} in state`, detail: 'Run `omnitron state list` to see what state holds.' });
  }
  out.print(JSON.stringify(maskedRecord(record), null, 2));
  return 0;
}

export async function forceUnlockCommand(id: string, flags: StackOptions, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  await session.backend.forceUnlock(id);
  out.print(`omnitron state for stack "${session.stack.scope.stack}" has been successfully unlocked (lock ${id}).`);
  return 0;
}
