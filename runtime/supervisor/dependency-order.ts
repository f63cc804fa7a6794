export interface OrderNode { name: string; dependsOn: string[]; priority: number }

/** Names of apps that sit on a dependency cycle, each mapped to the next app on its cycle. */
export function cycleMembers(nodes: OrderNode[]): Map<string, string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const found = new Map<string, string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(dep)) continue;
      if (state.get(dep) === 'visiting') markCycle(stack.slice(stack.indexOf(dep)), found);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const n of nodes) if (!state.has(n.name)) visit(n.name);
  return found;
}

function markCycle(path: string[], found: Map<string, string>): void {
  path.forEach((name, i) => found.set(name, path[(i + 1) % path.length]));
}

/**
 * Shutdown batches: an app stops only after every app that depends on it has stopped; among the apps
 * free to stop, the lowest shutdown priority goes first (equal priorities stop together). Cycles and
 * dependencies outside `nodes` are ignored so every app is stopped exactly once.
 */
export function shutdownBatches(nodes: OrderNode[]): string[][] {
  const names = new Set(nodes.map((n) => n.name));
  const dependents = new Map(nodes.map((n) => [n.name, new Set<string>()]));
  for (const n of nodes) for (const dep of n.dependsOn) if (names.has(dep) && dep !== n.name) dependents.get(dep)!.add(n.name);
  const remaining = new Map(nodes.map((n) => [n.name, n]));
  const batches: string[][] = [];
  while (remaining.size > 0) {
    const free = [...remaining.values()].filter((n) => ![...dependents.get(n.name)!].some((d) => remaining.has(d)));
    const pool = free.length > 0 ? free : [...remaining.values()]; // only on a cycle
    const lowest = Math.min(...pool.map((n) => n.priority));
    const batch = pool.filter((n) => n.priority === lowest).map((n) => n.name);
    for (const name of batch) remaining.delete(name);
    batches.push(batch);
  }
  return batches;
}
