/**
 * Every agent a stack runs, found from the config and the state: on each node that apply gave a Node
 * runtime (nodes without apps have no agent), or on this machine for a local stack. Control tokens are
 * signed here, per request and short-lived, with the private key only state holds.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../planner/diagnostics.js';
import { localAgentPaths, NODE_AGENT } from '../contract/agent/layout.js';
import { nodeAddress } from '../planner/desired/addresses.js';
import type { StackModel } from '../planner/config/model.js';
import type { Clients, StateRecord } from '../planner/resource.js';
import { signControlToken, type JWK } from '../contract/agent/control-token.js';
import { AgentUnavailable, remoteEndpoint, socketEndpoint, type AgentEndpoint, type TokenSource } from './agent-endpoint.js';
import type { AgentStatus } from '../contract/agent/status.js';
import { AGENT_KEY_ADDRESS } from '../planner/desired/agent-key.js';
import { agentAppName } from '../contract/agent/app-name.js';

const TOKEN_TTL_SECONDS = 60;
const STATUS_TIMEOUT_MS = 20_000;

export type AgentTarget =
  | { kind: 'local'; target: 'local'; manifest: string; socket: string }
  | { kind: 'node'; target: string; subject: string; nodeBinary: string }
  | { kind: 'missing'; target: string; problem: string; hint: string };

/** Where the stack's agents are, from config and state; pure. */
export function agentTargets(model: StackModel, records: readonly StateRecord[], stackDir: string): AgentTarget[] {
  if (model.stack.type === 'local') {
    const paths = localAgentPaths(stackDir, '');
    return [{ kind: 'local', target: 'local', manifest: paths.manifest, socket: paths.controlSocket }];
  }
  const byAddress = new Map(records.map((r) => [r.address, r]));
  return model.stack.nodes.flatMap((node): AgentTarget[] => {
    const runtime = byAddress.get(nodeAddress('node_artifact', node.name, 'node'));
    const nodeBinary = (runtime?.attributes as { path?: unknown } | undefined)?.path;
    if (typeof nodeBinary === 'string') return [{ kind: 'node', target: node.name, subject: agentAppName(node.name), nodeBinary }];
    if (!node.apps?.length) return [];
    return [{ kind: 'missing', target: node.name, problem: 'agent not installed yet', hint: 'Run `omnitron apply` to install it.' }];
  });
}

/** The private JWK state keeps for the agents; a clear error when apply never made one. */
export function agentSigningKey(records: readonly StateRecord[], stack: string): JWK {
  const text = records.find((r) => r.address === AGENT_KEY_ADDRESS)?.outputs.privateJwk;
  if (typeof text !== 'string') {
    throw new UserError({ severity: 'error', summary: `stack "${stack}" has no agent key in state (${AGENT_KEY_ADDRESS})`, detail: 'Agents are installed by `omnitron apply`; run it first.' });
  }
  const damaged = () => new UserError({ severity: 'error', summary: `the agent key in state (${AGENT_KEY_ADDRESS}) is damaged`, detail: `Replace it with \`omnitron apply --replace ${AGENT_KEY_ADDRESS}\`.` });
  let key: Partial<JWK>;
  try {
    key = JSON.parse(text) as Partial<JWK>;
  } catch {
    throw damaged();
  }
  if (key?.kty !== 'OKP' || key.crv !== 'Ed25519' || typeof key.d !== 'string' || typeof key.x !== 'string') throw damaged();
  return key as JWK;
}

export interface AgentAccess {
  key: JWK;
  clients: Pick<Clients, 'transport'>;
}

export function endpointFor(target: AgentTarget, access: AgentAccess): AgentEndpoint {
  const token = (subject: string): TokenSource => (action) => signControlToken(access.key, { node: subject, action, ttlSeconds: TOKEN_TTL_SECONDS });
  if (target.kind === 'node') {
    return remoteEndpoint({ node: target.target, transport: () => access.clients.transport(target.target), nodeBinary: target.nodeBinary, paths: NODE_AGENT, token: token(target.subject) });
  }
  if (target.kind === 'missing') return unavailable(target.target, new AgentUnavailable(target.problem, target.hint));
  // The local agent's node name is whatever apply wrote into its manifest.
  let subject: Promise<string> | undefined;
  return socketEndpoint(target.target, target.socket, async (action) => token(await (subject ??= localSubject(target.manifest)))(action));
}

async function localSubject(manifest: string): Promise<string> {
  const text = await readFile(manifest, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT'
      ? new AgentUnavailable(`no agent for this stack yet (${manifest} does not exist)`, 'Run `omnitron apply` to start it.')
      : new AgentUnavailable(`cannot read ${manifest}: ${err.code ?? err.message}`);
  });
  let node: unknown;
  try {
    node = (JSON.parse(text) as { node?: unknown }).node;
  } catch {
    // reported below
  }
  if (typeof node !== 'string') throw new AgentUnavailable(`${manifest} is not an agent manifest naming its node`, 'Run `omnitron apply` to rewrite it.');
  return node;
}

function unavailable(target: string, problem: AgentUnavailable): AgentEndpoint {
  return { target, status: () => Promise.reject(problem), logs: () => Promise.reject(problem) };
}

export type TargetStatus =
  | { target: string; status: AgentStatus }
  | { target: string; problem: string; hint?: string };

/** Every agent's status at once; one that cannot answer becomes a problem line, never an exception. */
export function queryStatuses(endpoints: readonly AgentEndpoint[], signal: AbortSignal, timeoutMs = STATUS_TIMEOUT_MS): Promise<TargetStatus[]> {
  return Promise.all(endpoints.map(async (endpoint): Promise<TargetStatus> => {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    try {
      return { target: endpoint.target, status: await endpoint.status(bounded) };
    } catch (err) {
      if (signal.aborted) return { target: endpoint.target, problem: 'interrupted' };
      if (bounded.aborted) return { target: endpoint.target, problem: `no answer within ${timeoutMs / 1000} s` };
      if (err instanceof AgentUnavailable) return { target: endpoint.target, problem: err.message, ...(err.hint ? { hint: err.hint } : {}) };
      return { target: endpoint.target, problem: `unexpected failure: ${(err as Error).message} (please report)` };
    }
  }));
}
