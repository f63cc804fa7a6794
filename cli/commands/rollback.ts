/**
 * `omnitron rollback APP [--to RELEASE]`: switch the app's `current` back to a release its nodes keep,
 * one node at a time like a rolling deploy: switch, reload the node's agent, wait until the app is
 * healthy on that release before the next node. Takes the state lock and records each node's release
 * in state, so the next plan shows the config's release as a change (apply deploys it again).
 */
import { error, UserError } from '../../planner/diagnostics.js';
import { configHash } from '../../planner/hash.js';
import { agentServiceAddress } from '../../planner/desired/node-apps.js';
import type { Json } from '../../planner/expr.js';
import type { ProviderContext } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import type { StateStore } from '../../planner/state/state-store.js';
import { AGENT_UNIT, agentStatusFile, NODE_AGENT } from '../../contract/agent/layout.js';
import { forgetReloadInputs, switchRelease, systemctl } from '../../providers/systemd/commands.js';
import { markOf, pointCurrentBack, readAgentStatus, waitAgentSettled } from '../../providers/systemd/agent-status.js';
import { runScript } from '../../providers/systemd/node-type.js';
import { appReleases, matchRelease, readNodeReleases, type AppRelease, type NodeReleases } from '../app-releases.js';
import { createClients, type RunClients } from '../compose.js';
import type { Output } from '../output.js';
import { interruptible, lockState, openSession, openStore, type LockFlags, type Session, type StackOptions } from '../session.js';

export interface RollbackFlags extends StackOptions, LockFlags {
  to?: string;
}

const SETTLE_MARGIN_S = 30;

export async function rollbackCommand(app: string, flags: RollbackFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const lock = await lockState(session, 'rollback', flags, out);
  const stop = interruptible(out, () => session.backend.unlock(lock.id));
  try {
    const store = await openStore(session);
    const { nodes } = session.stack.model.stack;
    const targets = appReleases(store.records(), app, nodes.map((n) => n.name), session.stack.scope.stack);
    const clients = createClients({ nodes, records: store.records(), trustNewHosts: false, signal: stop.signal });
    try {
      const found = await Promise.all(targets.map(async (t) => readNodeReleases(await clients.transport(t.node), t.node, t.root)));
      const release = chooseRelease(app, found, flags.to);
      const ctx: ProviderContext = { scope: { ...session.stack.scope, lineage: store.lineage }, clients, signal: stop.signal, emit: (e) => { if (e.kind === 'warning') out.warn(`Warning: ${e.message}`); } };
      let switched = 0;
      for (const [i, target] of targets.entries()) {
        if (stop.signal.aborted) throw new UserError(error(`rollback of ${app} interrupted before node ${target.node}`, { detail: `Nodes before it run ${short(release)}; the rest run what they ran.` }));
        if (found[i].current === release) { out.print(`${app} on ${target.node}: already runs ${short(release)}`); continue; }
        await rollBackNode({ session, store, clients, ctx, out }, app, target, found[i], release);
        switched++;
      }
      await store.compact();
      out.print(`\nRolled back ${app} to ${short(release)} on ${switched} node(s). The next plan shows the config's release as a change; \`omnitron apply\` deploys it again.`);
      return 0;
    } finally {
      await clients.close();
    }
  } finally {
    stop.dispose();
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
}

/** `--to` (a digest or a prefix of one), else the release before the current one on the first node that has one. */
export function chooseRelease(app: string, nodes: readonly NodeReleases[], to: string | undefined): string {
  const kept = [...new Set(nodes.flatMap((n) => n.releases.map((r) => r.release)))];
  if (to !== undefined) {
    const match = matchRelease(to, kept);
    if (match) return match;
    throw new UserError(error(`--to ${to}: not a release the nodes of ${app} keep${to.length < 7 ? ' (give at least 7 characters)' : ''}`, {
      detail: `Kept: ${kept.map(short).join(', ') || 'none'}. \`omnitron releases ${app}\` lists them per node.`,
    }));
  }
  const previous = nodes.flatMap((n) => n.releases.filter((r) => r.status === 'previous').map((r) => r.release))[0];
  if (previous) return previous;
  throw new UserError(error(`no release to roll ${app} back to: its nodes keep none that was current before and did not fail`, {
    detail: `\`omnitron releases ${app}\` lists what they keep; pick one with --to RELEASE.`,
  }));
}

interface RollbackRun { session: Session; store: StateStore; clients: RunClients; ctx: ProviderContext; out: Output }

async function rollBackNode(run: RollbackRun, app: string, target: AppRelease, found: NodeReleases, release: string): Promise<void> {
  const { node, root, address } = target;
  if (!found.releases.some((r) => r.release === release)) {
    throw new UserError(error(`node ${node} does not keep release ${short(release)} of ${app}`, { detail: `It keeps ${found.releases.map((r) => short(r.release)).join(', ')}. Nodes before it were rolled back; pick a release every node keeps with --to.` }));
  }
  run.out.print(`${app} on ${node}: switching ${found.current ? short(found.current) : '(none)'} → ${short(release)}`);
  const t: Transport = await run.clients.transport(node);
  const statusPath = agentStatusFile(NODE_AGENT);
  const before = markOf(await readAgentStatus(t, statusPath));
  await runScript(t, switchRelease(root, release, found.current ?? '', 'rollback'));
  // The agent's marker no longer says what it runs: the next apply reloads it.
  await t.execOrThrow(forgetReloadInputs(AGENT_UNIT));
  await t.execOrThrow(systemctl('reload', AGENT_UNIT));
  const appSpec = run.session.stack.model.apps.find((a) => a.name === app);
  const timeoutS = Math.ceil((appSpec?.startupTimeout ?? 30_000) / 1000) * 2 + SETTLE_MARGIN_S;
  const op = { action: 'update' as const, address: agentServiceAddress(node) };
  // Not healthy on that release: the agent keeps running what it ran, and current says so again.
  await waitAgentSettled(run.ctx, t, op, { node, path: statusPath, before, timeoutS }).catch(async (err: unknown) => {
    await pointCurrentBack(run.ctx, t, op, statusPath);
    throw err;
  });
  await record(run.store, address, release, found.current);
  run.out.print(`${app} on ${node}: runs ${short(release)}, healthy`);
}

async function record(store: StateStore, address: string, release: string, previous: string | undefined): Promise<void> {
  const prior = store.get(address);
  if (!prior) return;
  const attributes = { ...(prior.attributes as Record<string, Json>), release };
  await store.upsert({ ...prior, attributes, hash: configHash(attributes), outputs: { current: release, previous: previous ?? null, rolledBackFrom: previous ?? null }, updatedAt: new Date().toISOString() });
}

function short(release: string): string {
  return release.slice(0, 12);
}
