/** Assertions on CLI results that show the whole exchange when they fail. */
import { expect } from 'vitest';
import { describeRun, type CliResult } from './cli.js';
import type { E2eProject } from './project.js';

export function expectExit(r: CliResult, code: number): CliResult {
  expect(r.code, describeRun(r)).toBe(code);
  return r;
}

export function expectOutput(r: CliResult, pattern: RegExp | string): void {
  const text = r.stdout + r.stderr;
  if (typeof pattern === 'string') expect(text, describeRun(r)).toContain(pattern);
  else expect(text, describeRun(r)).toMatch(pattern);
}

export async function expectNoChanges(p: E2eProject): Promise<void> {
  const r = expectExit(await p.run('plan', '--detailed-exitcode'), 0);
  expect(r.stdout, describeRun(r)).toContain('No changes.');
}

/** `plan --detailed-exitcode` must report changes (exit 2) and name `address`. */
export async function expectDrift(p: E2eProject, address: string): Promise<CliResult> {
  const r = expectExit(await p.run('plan', '--detailed-exitcode'), 2);
  expect(r.stdout, describeRun(r)).toContain(address);
  return r;
}

export async function applyOk(p: E2eProject, ...args: string[]): Promise<CliResult> {
  const r = expectExit(await p.run('apply', '--auto-approve', ...args), 0);
  expect(r.stdout, describeRun(r)).toMatch(/Apply complete! Resources: \d+ added, \d+ changed, \d+ destroyed\./);
  return r;
}

export interface PlanJson {
  format_version: string;
  resource_changes: { address: string; type: string; actions: string[]; reason?: string }[];
}

export function parsePlanJson(r: CliResult): PlanJson {
  try {
    return JSON.parse(r.stdout) as PlanJson;
  } catch (e) {
    throw new Error(`plan --json printed invalid JSON (${(e as Error).message}):\n${describeRun(r)}`);
  }
}

/** Addresses whose action is anything but a no-op, with their actions. */
export function changedResources(plan: PlanJson): Record<string, string[]> {
  return Object.fromEntries(plan.resource_changes.filter((c) => !(c.actions.length === 1 && c.actions[0] === 'no-op')).map((c) => [c.address, c.actions]));
}

/** `graph` DOT → address → direct dependencies. */
export function parseGraph(dot: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const m of dot.matchAll(/^\s*("[^"]+")(?:\s*->\s*("[^"]+"))?;$/gm)) {
    const from = JSON.parse(m[1]) as string;
    if (!deps.has(from)) deps.set(from, []);
    if (m[2]) deps.get(from)!.push(JSON.parse(m[2]) as string);
  }
  return deps;
}

export function dependencyClosure(graph: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (a: string) => { if (seen.has(a)) return; seen.add(a); for (const d of graph.get(a) ?? []) visit(d); };
  visit(start);
  return seen;
}
