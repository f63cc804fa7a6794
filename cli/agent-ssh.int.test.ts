/**
 * status and logs over SSH against a real agent on a real systemd+sshd node: the Node runtime and the
 * agent bundle uploaded where apply puts them, the agent started as a transient unit, then the CLI's
 * endpoints asking it through `node AGENT client …` over the transport, as root and through sudo.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinary, NODE_AGENT } from '../contract/agent/layout.js';
import { nodeRuntimeArtifact } from '../planner/artifacts/node-runtime.js';
import { connectNode, type NodeConnection } from '../providers/ssh/connection.js';
import { generateAgentKeyPair, type JWK } from '../contract/agent/control-token.js';
import { buildAgentBundle, waitFor } from '../test/support/agent/agent-process.js';
import { FIXTURES, testApp, testManifest } from '../test/support/agent/manifests.js';
import { startNodes, type NodeBed } from '../test/support/nodes/index.js';
import { endpointFor, queryStatuses } from './agent-access.js';
import type { AgentEndpoint } from './agent-endpoint.js';
import { streamAppLogs } from './commands/logs.js';
import { reportStatus } from './commands/status.js';
import type { Output } from './output.js';
import { agentAppName } from '../contract/agent/app-name.js';

const suffix = randomBytes(4).toString('hex');
const APPS = '/opt/omnitron-it';
let bed: NodeBed;
let dir: string;
let root: NodeConnection;
let deploy: NodeConnection;
let keys: { privateJwk: JWK; publicJwk: JWK };
let nodeBin: string;
let name: string;

const endpoint = (connection: NodeConnection): AgentEndpoint =>
  endpointFor({ kind: 'node', target: name, subject: agentAppName(name), nodeBinary: nodeBin }, { key: keys.privateJwk, clients: { transport: async () => connection } });

/** Agent client processes on the node. */
async function remoteClients(): Promise<string> {
  return (await root.exec(['pgrep', '-af', `${NODE_AGENT.bundle} client`])).stdout.trim();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'omnitron-agent-ssh-'));
  const [started, runtime, bundle] = await Promise.all([
    startNodes({ count: 1, namePrefix: `it-agentcli-${suffix}` }),
    nodeRuntimeArtifact(),
    buildAgentBundle(path.join(dir, 'agent.bundle.mjs')),
  ]);
  bed = started;
  const node = bed.nodes[0];
  name = node.name;
  const spec = { name, host: '127.0.0.1', port: node.sshPort, privateKey: bed.privateKeyPath, hostKey: node.hostKeyFingerprint };
  [root, deploy] = await Promise.all([connectNode({ ...spec, user: 'root' }, { timeoutMs: 10_000, sshDir: dir }), connectNode({ ...spec, user: 'deploy' }, { timeoutMs: 10_000, sshDir: dir })]);
  keys = await generateAgentKeyPair();
  nodeBin = nodeBinary(runtime.version);

  await root.put(`${nodeBin}.gz`, { localPath: runtime.gzPath }, { mode: 0o755 });
  await root.execOrThrow(['gunzip', '-f', `${nodeBin}.gz`]);
  await root.put(NODE_AGENT.bundle, { localPath: bundle });
  await root.put(`${APPS}/ticker.mjs`, { localPath: path.join(FIXTURES, 'ticker.mjs') });
  await root.put(`${APPS}/api.env`, 'TICK_MS="100"\n', { mode: 0o600 });
  await root.put(`${APPS}/quiet.env`, 'TICK_MS="600000"\n', { mode: 0o600 });
  const app = (n: string) => testApp({ name: n, envFile: `${APPS}/${n}.env`, cwd: APPS, script: `${APPS}/ticker.mjs` });
  const manifest = { ...testManifest('/unused', keys.publicJwk, [app('api'), app('quiet')], agentAppName(name)), stateDir: NODE_AGENT.stateDir, logDir: NODE_AGENT.logDir, controlSocket: NODE_AGENT.controlSocket };
  await root.put(NODE_AGENT.manifest, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await root.execOrThrow(['systemd-run', '--unit', 'omnitron-agent', '--', nodeBin, NODE_AGENT.bundle, 'run', '--manifest', NODE_AGENT.manifest]);
  await waitFor(async () => {
    const [answer] = await queryStatuses([endpoint(root)], new AbortController().signal);
    return 'status' in answer && answer.status.apps.every((a) => a.state === 'running') ? true : undefined;
  }, 'the agent on the node with both apps running', 30_000);
});

afterAll(async () => {
  await Promise.all([root?.close(), deploy?.close()]);
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('status and logs over SSH', () => {
  it('prints the node\'s table, as root and through sudo', async () => {
    for (const connection of [root, deploy]) {
      const printed: string[] = [];
      const out: Output = { color: false, tty: false, print: (t) => printed.push(t), warn: (t) => printed.push(t), diagnostics: () => undefined };
      expect(await reportStatus([endpoint(connection)], { identity: { project: 'acme', stack: 'test' } }, out, new AbortController().signal)).toBe(0);
      const text = printed.join('');
      expect(text).toMatch(new RegExp(`^node ${name}: agent running \\(pid \\d+, up \\d+s, v[^)]+\\)$`, 'm'));
      expect(text).toMatch(/^ {2}api +running +\d+ +\d+s +0 +- +unknown$/m);
      expect(text).toMatch(/^ {2}quiet +running /m);
    }
  });

  it('follows an app\'s log over SSH until aborted, then leaves no client running on the node', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    const sink = { line: (t: string) => lines.push(t), warn: (t: string) => lines.push(`warn: ${t}`) };
    const following = streamAppLogs([endpoint(root)], { app: 'api', stack: 'test', request: { lines: 2, follow: true } }, sink, abort.signal);
    await waitFor(() => lines.filter((l) => /^api\/main tick \d+$/.test(l)).length >= 5 || undefined, 'five tick lines');
    abort.abort();
    expect(await following).toBe(0);
    expect(lines.every((l) => /^api\/main (tick \d+|started .*)$/.test(l))).toBe(true);
    expect(await remoteClients()).toBe('');
  });

  it('stops a follow of an app that prints nothing (the remote client is killed, through sudo too)', async () => {
    for (const connection of [root, deploy]) {
      const abort = new AbortController();
      const following = streamAppLogs([endpoint(connection)], { app: 'quiet', stack: 'test', request: { lines: 0, follow: true } }, { line: () => undefined, warn: () => undefined }, abort.signal);
      await waitFor(async () => (await remoteClients()).includes('logs quiet') || undefined, 'the client following quiet');
      abort.abort();
      expect(await following).toBe(0);
      await waitFor(async () => (await remoteClients()) === '' || undefined, 'no client left on the node', 5_000);
    }
  });

  it('says the agent is not running once it stopped', async () => {
    await root.execOrThrow(['systemctl', 'stop', 'omnitron-agent']);
    const [answer] = await queryStatuses([endpoint(root)], new AbortController().signal);
    expect(answer).toMatchObject({ target: name, problem: `agent not running: nothing answers on ${NODE_AGENT.controlSocket} (ENOENT)` });
  });
});
