/**
 * A generic dependency graph: nodes are strings, `depsOf(n)` lists what n waits for. Used for app
 * dependsOn validation, resource ordering and the apply walk. Unknown deps are ignored here; callers
 * validate references and report them with a field path.
 */
export type DepsOf = (node: string) => Iterable<string>;

/** The first cycle found as a path that returns to its start (`a → b → a`), or null. Deterministic. */
export function findCycle(nodes: readonly string[], depsOf: DepsOf): string[] | null {
  const known = new Set(nodes);
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const start of nodes) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: Array<{ node: string; deps: Iterator<string> }> = [{ node: start, deps: depsOf(start)[Symbol.iterator]() }];
    state.set(start, 1);
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.deps.next();
      if (next.done) { state.set(top.node, 2); stack.pop(); path.pop(); continue; }
      const dep = next.value;
      if (!known.has(dep)) continue;
      const s = state.get(dep);
      if (s === 1) return [...path.slice(path.indexOf(dep)), dep];
      if (s === 2) continue;
      state.set(dep, 1);
      path.push(dep);
      stack.push({ node: dep, deps: depsOf(dep)[Symbol.iterator]() });
    }
  }
  return null;
}

export class CycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`dependency cycle: ${cycle.join(' → ')}`);
    this.name = 'CycleError';
  }
}

/** Dependencies first; ties keep the order of `nodes`. Throws CycleError. O(nodes + edges). */
export function topoOrder(nodes: readonly string[], depsOf: DepsOf): string[] {
  const { pending, dependents } = index(nodes, depsOf);
  const order: string[] = [];
  const ready = nodes.filter((n) => pending.get(n) === 0);
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i];
    order.push(n);
    for (const d of dependents.get(n) ?? []) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length !== nodes.length) throw new CycleError(findCycle(nodes, depsOf) ?? []);
  return order;
}

function index(nodes: readonly string[], depsOf: DepsOf) {
  const known = new Set(nodes);
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    let count = 0;
    for (const d of new Set(depsOf(n))) {
      if (!known.has(d) || d === n) continue;
      count++;
      const list = dependents.get(d);
      if (list) list.push(n); else dependents.set(d, [n]);
    }
    pending.set(n, count);
  }
  return { pending, dependents };
}

export interface WalkOptions {
  parallelism?: number;
  signal?: AbortSignal;
  /** Walk dependents before their dependencies (for deletes). */
  reverse?: boolean;
}

export interface WalkResult {
  completed: string[];
  failed: Map<string, unknown>;
  /** Node → the failed node upstream that caused the skip. */
  skipped: Map<string, string>;
  /** Nodes never started because the signal aborted. */
  notStarted: string[];
}

/**
 * Visits every node once all its dependencies completed, at most `parallelism` at a time. A failure
 * stops that branch: every node downstream is skipped (reported once, with the failed node), while
 * independent branches run to the end.
 */
export function walk(nodes: readonly string[], depsOf: DepsOf, visit: (node: string) => Promise<void>, opts: WalkOptions = {}): Promise<WalkResult> {
  const limit = Math.max(1, opts.parallelism ?? 10);
  const forward = index(nodes, depsOf);
  const { pending, dependents } = opts.reverse ? reversed(nodes, forward.dependents, depsOf) : forward;
  if (topoCheck(nodes, depsOf)) throw new CycleError(findCycle(nodes, depsOf) ?? []);
  const result: WalkResult = { completed: [], failed: new Map(), skipped: new Map(), notStarted: [] };
  const ready = nodes.filter((n) => pending.get(n) === 0);
  let running = 0;
  let settled = 0;
  return new Promise((resolveWalk) => {
    const finish = (n: string) => {
      settled++;
      for (const d of dependents.get(n) ?? []) {
        const left = pending.get(d)! - 1;
        pending.set(d, left);
        if (left === 0) ready.push(d);
      }
    };
    const skipDownstream = (root: string, from: string) => {
      for (const d of dependents.get(from) ?? []) {
        if (result.skipped.has(d)) continue;
        result.skipped.set(d, root);
        settled++;
        skipDownstream(root, d);
      }
    };
    const pump = () => {
      while (running < limit && ready.length > 0) {
        const n = ready.shift()!;
        if (result.skipped.has(n)) continue;
        if (opts.signal?.aborted) { result.notStarted.push(n); settled++; continue; }
        running++;
        visit(n).then(
          () => { result.completed.push(n); finish(n); },
          (err: unknown) => { result.failed.set(n, err); settled++; skipDownstream(n, n); },
        ).finally(() => { running--; pump(); });
      }
      if (running === 0 && (ready.length === 0 || settled >= nodes.length)) {
        const seen = new Set([...result.completed, ...result.failed.keys(), ...result.skipped.keys(), ...result.notStarted]);
        for (const n of nodes) if (!seen.has(n)) result.notStarted.push(n);
        resolveWalk(result);
      }
    };
    pump();
  });
}

function topoCheck(nodes: readonly string[], depsOf: DepsOf): boolean {
  try { topoOrder(nodes, depsOf); return false; } catch (e) { if (e instanceof CycleError) return true; throw e; }
}

function reversed(nodes: readonly string[], dependentsOf: Map<string, string[]>, depsOf: DepsOf) {
  const known = new Set(nodes);
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) pending.set(n, (dependentsOf.get(n) ?? []).length);
  for (const n of nodes) {
    const deps = [...new Set(depsOf(n))].filter((d) => known.has(d) && d !== n);
    dependents.set(n, deps);
  }
  return { pending, dependents };
}
