/**
 * Where the node agent lives, on a bare-metal node and on the developer's machine for a local stack.
 * The planner writes these paths into the graph and the manifest, the agent runs by them, and
 * `omnitron status`, `logs` and `discovery ls` use the same ones to reach a running agent.
 */
import os from 'node:os';
import path from 'node:path';
import { shortHash } from '../names.js';
import { STATUS_FILE } from './status.js';

export interface AgentPaths {
  manifest: string;
  stateDir: string;
  logDir: string;
  controlSocket: string;
  /** The agent bundle the node runs (`node AGENT run --manifest MANIFEST`, `node AGENT client …`). */
  bundle: string;
  /** Environment the agent itself starts with (discovery's Redis URL); absent when it needs none. */
  envFile: string;
}

export const OMNITRON_ROOT = '/opt/omnitron';

/**
 * Node flags the agent runs with. The agent waits on I/O; V8's lite mode (no optimizing compiler,
 * lazily allocated feedback) cuts ~13 MB of its resident memory without slowing a restart (bench/agent.js).
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--lite-mode'];
export const AGENT_UNIT = 'omnitron-agent.service';

export const NODE_AGENT: AgentPaths = {
  manifest: '/etc/omnitron/agent/manifest.json',
  stateDir: '/var/lib/omnitron/agent',
  logDir: '/var/log/omnitron',
  controlSocket: '/run/omnitron/agent.sock',
  bundle: `${OMNITRON_ROOT}/runtime/agent.mjs`,
  envFile: '/etc/omnitron/agent/agent.env',
};

export function nodeBinary(nodeVersion: string): string {
  return `${OMNITRON_ROOT}/node/${nodeVersion}/bin/node`;
}

/** A local stack's agent runs from this checkout's bundle, with everything else under `.omnitron/<stack>/agent`. */
export function localAgentPaths(stackDir: string, bundle: string): AgentPaths {
  const dir = path.join(stackDir, 'agent');
  return {
    manifest: path.join(dir, 'manifest.json'),
    stateDir: path.join(dir, 'state'),
    logDir: path.join(dir, 'logs'),
    // A unix socket path is limited to ~107 bytes; a deep checkout gets a short one under the state dir's name.
    controlSocket: shortSocketPath(path.join(dir, 'agent.sock')),
    bundle,
    envFile: path.join(dir, 'agent.env'),
  };
}

const MAX_SOCKET_PATH = 100;

/** The fallback directory is the user's own (the agent creates it 0700 and refuses one anybody else can write). */
function shortSocketPath(preferred: string): string {
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return preferred;
  return path.join(os.tmpdir(), `omnitron-${process.getuid?.() ?? 'user'}`, `agent-${shortHash(preferred)}.sock`);
}

/** The status document the agent keeps current for the planner's probe. */
export function agentStatusFile(paths: AgentPaths): string {
  return path.join(paths.stateDir, STATUS_FILE);
}
