/**
 * status and logs against a real agent process on this machine: over its socket (a local stack) and
 * through the agent's own `client` subcommand run by a transport (how nodes are asked, here with the
 * local transport), with the tokens this CLI signs.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateRecord } from '../planner/resource.js';
import { LocalTransport } from '../providers/ssh/local-transport.js';
import { generateAgentKeyPair, signControlToken, type JWK } from '../contract/agent/control-token.js';
import { buildAgentBundle, spawnAgent, waitFor, writeManifest, type AgentProcess } from '../test/support/agent/agent-process.js';
import { testApp, testManifest } from '../test/support/agent/manifests.js';
import { agentSigningKey, endpointFor, queryStatuses } from './agent-access.js';
import { remoteEndpoint, type AgentEndpoint } from './agent-endpoint.js';
import { reportStatus } from './commands/status.js';
import { streamAppLogs } from './commands/logs.js';
import type { Output } from './output.js';
import { AGENT_KEY_ADDRESS } from '../planner/desired/agent-key.js';

let dir: string;
let bundle: string;
let keys: { privateJwk: JWK; publicJwk: JWK };
let agent: AgentProcess;
let socket: string;
let manifestPath: string;

function output() {
  const printed: string[] = [];
  const out: Output = { color: false, tty: false, print: (t) => printed.push(t), warn: (t) => printed.push(`warn: ${t}`), diagnostics: () => undefined };
  return { out, printed };
}

function sink() {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, sink: { line: (t: string) => lines.push(t), warn: (t: string) => warnings.push(t) } };
}

/** The key as state holds it, so the CLI's own reading of it is part of the test. */
const key = () => agentSigningKey([{ address: AGENT_KEY_ADDRESS, outputs: { privateJwk: JSON.stringify(keys.privateJwk) } } as unknown as StateRecord], 'test');
const noNodes = { transport: () => Promise.reject(new Error('no nodes here')) };
const local = (): AgentEndpoint => endpointFor({ kind: 'local', target: 'local', manifest: manifestPath, socket }, { key: key(), clients: noNodes });
/** What a node runs, with this machine as the node: `node BUNDLE client … --socket S`, token on stdin. */
const viaClient = (target = 'node-1'): AgentEndpoint => remoteEndpoint({
  node: target, transport: async () => new LocalTransport(`node.${target}`), nodeBinary: process.execPath, paths: { bundle, controlSocket: socket },
  token: (action) => signControlToken(keys.privateJwk, { node: 'node-1', action }),
});

/** Agent client processes still running from this test's bundle. */
function clientProcesses(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.includes(bundle) && argv.includes('client') ? [argv.join(' ')] : [];
    } catch {
      return [];
    }
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `omnitron-cli-agent-${Math.random().toString(36).slice(2, 8)}-`));
  bundle = await buildAgentBundle(path.join(dir, 'agent.bundle.mjs'));
  keys = await generateAgentKeyPair();
  writeFileSync(path.join(dir, 'api.env'), 'TICK_MS="100"\n');
  writeFileSync(path.join(dir, 'quiet.env'), 'TICK_MS="600000"\n');
  const manifest = testManifest(path.join(dir, 'agent'), keys.publicJwk, [
    testApp({ name: 'api', envFile: path.join(dir, 'api.env') }),
    testApp({ name: 'quiet', envFile: path.join(dir, 'quiet.env') }),
  ]);
  socket = manifest.controlSocket;
  manifestPath = path.join(dir, 'manifest.json');
  writeManifest(manifestPath, manifest);
  agent = spawnAgent(bundle, manifestPath);
  await waitFor(async () => {
    const [answer] = await queryStatuses([local()], new AbortController().signal);
    return 'status' in answer && answer.status.apps.every((a) => a.state === 'running') ? true : undefined;
  }, 'both apps running');
});

afterAll(async () => {
  // SIGTERM: the agent stops its apps; SIGKILL only if it does not, since its apps would outlive it.
  if (agent?.child.exitCode === null) {
    agent.child.kill('SIGTERM');
    const stopped = await Promise.race([agent.exit.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (!stopped) { agent.child.kill('SIGKILL'); await agent.exit; }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('omnitron status against a real agent', () => {
  it('prints each target\'s table, over the socket and through the agent client, with the CLI\'s tokens', async () => {
    const { out, printed } = output();
    expect(await reportStatus([local(), viaClient()], { identity: { project: 'acme', stack: 'test' } }, out, new AbortController().signal)).toBe(0);
    const text = printed.join('');
    expect(text).toMatch(new RegExp(`^local: agent running \\(pid ${agent.child.pid}, up \\d+s, v[^)]+\\)$`, 'm'));
    expect(text).toMatch(new RegExp(`^node node-1: agent running \\(pid ${agent.child.pid}, `, 'm'));
    expect(text.match(/^ {2}api +running +\d+ +\d+s +0 +- +unknown$/gm)).toHaveLength(2);
    expect(text).not.toContain(JSON.stringify(keys.privateJwk.d));
  });

  it('prints one JSON document and exits 1 when one agent does not answer', async () => {
    const { out, printed } = output();
    const dead = endpointFor({ kind: 'local', target: 'local', manifest: manifestPath, socket: path.join(dir, 'nobody.sock') }, { key: key(), clients: noNodes });
    expect(await reportStatus([viaClient(), dead], { json: true, identity: { project: 'acme', stack: 'test' } }, out, new AbortController().signal)).toBe(1);
    const doc = JSON.parse(printed.join('')) as { targets: Array<Record<string, unknown>> };
    expect(doc.targets[0]).toMatchObject({ target: 'node-1', reachable: true, agent: { pid: agent.child.pid, state: 'running' } });
    expect(doc.targets[1]).toEqual({ target: 'local', reachable: false, problem: `agent not running: nothing answers on ${path.join(dir, 'nobody.sock')}`, hint: 'Run `omnitron apply` to start it.' });
  });
});

describe('omnitron logs against a real agent', () => {
  it('prints the last lines of an app', async () => {
    const { lines, warnings, sink: s } = sink();
    expect(await streamAppLogs([local()], { app: 'api', stack: 'test', request: { lines: 3 } }, s, new AbortController().signal)).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => /^api\/main (tick \d+|started .*)$/.test(l))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('follows from two targets with a [target] prefix until aborted, and leaves no client running', async () => {
    const { lines, sink: s } = sink();
    const abort = new AbortController();
    const following = streamAppLogs([local(), viaClient()], { app: 'api', stack: 'test', request: { lines: 0, follow: true } }, s, abort.signal);
    await waitFor(() => lines.some((l) => /^\[local\] api\/main tick \d+$/.test(l)) && lines.some((l) => /^\[node-1\] api\/main tick \d+$/.test(l)), 'ticks from both');
    abort.abort();
    expect(await following).toBe(0);
    expect(clientProcesses()).toEqual([]);
  });

  it('stops a follow of an app that prints nothing: the client is killed, not left waiting', async () => {
    const { sink: s } = sink();
    const abort = new AbortController();
    const following = streamAppLogs([viaClient()], { app: 'quiet', stack: 'test', request: { lines: 0, follow: true } }, s, abort.signal);
    await waitFor(() => clientProcesses().some((p) => p.includes('logs quiet')), 'the client following quiet');
    abort.abort();
    expect(await following).toBe(0);
    await waitFor(() => clientProcesses().length === 0 || undefined, 'the client to exit', 3_000);
  });

  it('names the apps that do run when asked for an unknown one', async () => {
    await expect(streamAppLogs([local()], { app: 'apii', stack: 'test', request: {} }, sink().sink, new AbortController().signal))
      .rejects.toThrow('no app "apii" runs in stack "test"\n  Apps the agents run: api, quiet.');
  });
});
