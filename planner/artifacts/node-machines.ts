/** What each node's hardware is (`uname -m`), asked over the connections the plan opens anyway, one short exec per node. */
import type { Transport } from '../transport.js';
import { canonicalMachine } from './node-runtime.js';

export async function nodeMachines(nodes: readonly string[], transport: (node: string) => Promise<Transport>): Promise<Map<string, string>> {
  const answers = await Promise.all(nodes.map(async (node) => [node, canonicalMachine((await (await transport(node)).execOrThrow(['uname', '-m'])).stdout.trim())] as const));
  return new Map(answers);
}
