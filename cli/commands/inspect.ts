/** Read-only commands: validate, graph, state list/show, force-unlock. */
import { buildDesiredGraph, dependenciesOf } from '../../planner/desired/desired-graph.js';
import { UserError, formatDiagnostic, hasErrors, type Diagnostic } from '../../planner/diagnostics.js';
import { findConfigFile } from '../../planner/config/find-config.js';
import { loadEcosystem } from '../../planner/config/load-ecosystem.js';
import { DEFAULT_STACK, chooseStack } from '../../planner/config/resolve-stack.js';
import { checkedStack } from '../../planner/config/stack-checks.js';
import type { Ecosystem, StackModel } from '../../planner/config/model.js';
import { prepareNodeArtifacts } from '../../planner/artifacts/prepare.js';
import { prepareLocalAgent } from '../../planner/desired/local-agent.js';
import { maskedRecord } from '../../planner/state/masked-record.js';
import { openSession, openStore, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

/**
 * Every check plan makes before it touches anything, for the named stack or, without --stack, for
 * every stack of the config. Reads no state and needs no state key.
 */
export async function validateCommand(flags: StackOptions & { json?: boolean }, out: Output): Promise<number> {
  const loaded = await loadEcosystem({ file: findConfigFile(process.cwd(), flags.config), strict: flags.strict ?? false });
  if (!loaded.ecosystem || hasErrors(loaded.diagnostics)) throw new UserError(loaded.diagnostics.filter((d) => d.severity === 'error'));
  const eco = loaded.ecosystem;
  const results = stacksToValidate(eco, flags.stack).map((name) => checkedStack(eco, name));
  const diagnostics = distinct([...loaded.diagnostics, ...results.flatMap((r) => r.diagnostics)]);
  if (hasErrors(diagnostics)) throw new UserError(diagnostics.filter((d) => d.severity === 'error'));
  out.diagnostics(diagnostics);
  const models = results.map((r) => r.model!);
  const warnings = diagnostics.length;
  if (flags.json) {
    const chosen = chooseStack(eco, flags.stack);
    const stacks = models.map((m) => ({ name: m.stack.name, type: m.stack.type, apps: m.apps.length, services: m.services.length }));
    out.print(JSON.stringify({ format_version: '1.0', valid: true, stack: 'stack' in chosen ? chosen.stack.name : null, stacks, warning_count: warnings, diagnostics }, null, 2));
  } else {
    out.print(`Success! The configuration is valid${warnings ? `, with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`);
    for (const m of models) out.print(summaryLine(m));
  }
  return 0;
}

function stacksToValidate(eco: Ecosystem, named: string | undefined): Array<string | undefined> {
  if (named !== undefined) return [named];
  const names = Object.keys(eco.stacks);
  return names.length > 0 ? names : [DEFAULT_STACK];
}

/** Stacks share ecosystem-level warnings (e.g. about a service every stack runs); each is shown once. */
function distinct(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...new Map(diagnostics.map((d) => [formatDiagnostic(d), d])).values()];
}

function summaryLine(m: StackModel): string {
  return `  project ${m.project}, stack ${m.stack.name} (${m.stack.type}): ${m.apps.length} apps, ${m.services.length} services`;
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
