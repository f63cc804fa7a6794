import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_AUDIENCE, generateAgentKeyPair, signControlToken, type ControlAction, type JWK } from '../../contract/agent/control-token.js';
import { agentPaths, agentRequest, AgentHttpError } from './client.js';
import type { AgentManifest } from '../../contract/agent/manifest.js';
import { alive, buildAgentBundle, fetchStatus, pidsOf, runClient, spawnAgent, waitFor, writeManifest, type AgentProcess } from '../../test/support/agent/agent-process.js';
import { FIXTURES, testApp, testManifest } from '../../test/support/agent/manifests.js';
import type { AgentStatus } from '../../contract/agent/status.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), `omnitron-agent-${Math.random().toString(36).slice(2, 8)}-`));
chmodSync(tmp, 0o755); // one app runs as nobody
let bundle: string;
let keys: { privateJwk: JWK; publicJwk: JWK };
const running: AgentProcess[] = [];

beforeAll(async () => {
  bundle = await buildAgentBundle(path.join(tmp, 'agent.bundle.mjs'));
  keys = await generateAgentKeyPair();
});
afterAll(async () => {
  for (const agent of running) if (agent.child.exitCode === null) { agent.child.kill('SIGKILL'); await agent.exit; }
  rmSync(tmp, { recursive: true, force: true });
});

const token = (action: ControlAction = 'status', node = 'node-1') => signControlToken(keys.privateJwk, { node, action });
const byName = (status: AgentStatus, name: string) => status.apps.find((a) => a.name === name);

function setup(name: string, apps: (dir: string) => AgentManifest['apps']): { dir: string; manifestPath: string; manifest: AgentManifest } {
  const dir = path.join(tmp, name);
  const manifest = testManifest(dir, keys.publicJwk, []);
  manifest.apps = apps(dir);
  const manifestPath = path.join(tmp, `${name}.json`);
  writeManifest(manifestPath, manifest);
  return { dir, manifestPath, manifest };
}

function env(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

async function allRunning(socket: string, names: string[]): Promise<AgentStatus> {
  return waitFor(async () => {
    const s = await fetchStatus(socket, await token());
    return names.every((n) => byName(s, n)?.state === 'running' && pidsOf(byName(s, n)).length > 0) && s.apps.length === names.length ? s : undefined;
  }, `apps ${names.join(', ')} running`);
}

describe('node agent (bundled, real processes)', () => {
  it('runs apps, answers the control socket, reloads, restarts, and stops cleanly on SIGTERM', async () => {
    const { manifestPath, manifest } = setup('main', (d) => [
      testApp({ name: 'api', envFile: env(path.join(tmp, 'api.env'), 'GREETING="hi there"\n') }),
      testApp({ name: 'sys', envFile: env(path.join(tmp, 'sys.env'), ''), bootstrap: path.join(FIXTURES, 'system/bootstrap.js'), dependsOn: ['api'], user: 'nobody' }),
      testApp({ name: 'solo', envFile: env(path.join(tmp, 'solo.env'), ''), user: 'nobody', cwd: d.replace(/\/main$/, '') }),
    ]);
    const agent = spawnAgent(bundle, manifestPath);
    running.push(agent);
    const socket = manifest.controlSocket;
    const first = await allRunning(socket, ['api', 'sys', 'solo']);

    // status: identity, agent facts, every process with a pid; the bootstrap's two processes both run
    expect(first).toMatchObject({ node: 'node-1', project: 'acme', stack: 'test', agent: { pid: agent.child.pid, state: 'running' } });
    expect(first.agent.rss).toBeGreaterThan(0);
    expect(byName(first, 'sys')!.processes.map((p) => p.name)).toEqual(['web', 'worker']);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const uid = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    expect([...pidsOf(byName(first, 'solo')), ...pidsOf(byName(first, 'sys'))].map(uid)).toEqual([65534, 65534, 65534]); // nobody, through setpriv
    expect(uid(pidsOf(byName(first, 'api'))[0])).toBe(0);
    // the IPC channel survives setpriv's exec: the bootstrap's processes reported ready over it
    expect(agent.logs.filter((l) => l.msg === 'ready' && l.app === 'sys').map((l) => l.via)).toEqual(['ipc', 'ipc']);

    // status.json: same document, 0644, catches up within a second
    const statusFile = path.join(manifest.stateDir, 'status.json');
    const onDisk = await waitFor(() => {
      const doc = JSON.parse(readFileSync(statusFile, 'utf8')) as AgentStatus;
      return doc.apps.every((a) => a.state === 'running') && doc.apps.length === 3 ? doc : undefined;
    }, 'status.json with every app running');
    expect(statSync(statusFile).mode & 0o777).toBe(0o644);
    expect(onDisk.apps.map((a) => a.name)).toEqual(['api', 'sys', 'solo']);
    expect(onDisk.agent.pid).toBe(agent.child.pid);

    // logs: the env file reached the app; follow streams new lines
    const tail = await waitFor(async () => {
      const body = (await agentRequest<string>({ socketPath: socket, token: await token('logs'), method: 'GET', path: agentPaths.logs('api', { lines: 1000 }) })).body;
      return body.includes('greeting=hi there') ? body : undefined;
    }, 'api log');
    expect(tail).toMatch(/^api\/main started pid=\d+ uid=0 greeting=hi there$/m);
    // output reaches the log asynchronously (through the process's named pipe): wait for it as for api's
    await waitFor(async () => /^sys\/worker started/m.test((await agentRequest<string>({ socketPath: socket, token: await token('logs'), method: 'GET', path: agentPaths.logs('sys', { process: 'worker', lines: 1000 }) })).body), 'sys/worker log');
    const followed: string[] = [];
    const abort = new AbortController();
    const following = agentRequest({ socketPath: socket, token: await token('logs'), method: 'GET', path: agentPaths.logs('api', { lines: 0, follow: true }), onLine: (l) => followed.push(l), signal: abort.signal }).catch(() => undefined);
    await waitFor(() => followed.some((l) => /^api\/main tick \d+$/.test(l)), 'a followed tick line');
    abort.abort();
    await following;

    // forged, expired and wrong-node tokens are refused
    const other = await generateAgentKeyPair();
    const refused = async (t: string) => ((await agentRequest({ socketPath: socket, token: t, method: 'GET', path: agentPaths.status }).catch((e: unknown) => e)) as AgentHttpError);
    expect((await refused(await signControlToken(other.privateJwk, { node: 'node-1', action: 'status' }))).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ act: 'status' }).setProtectedHeader({ alg: 'EdDSA' }).setJti(randomUUID()).setAudience(AGENT_AUDIENCE).setSubject('node-1').setIssuedAt(now - 200).setExpirationTime(now - 100).sign(await importJWK(keys.privateJwk, 'EdDSA'));
    expect((await refused(expired)).body).toEqual({ error: 'unauthorized', reason: 'token expired' });
    expect((await refused(await token('status', 'node-2'))).status).toBe(401);

    // restart: a new pid for api; the others keep theirs
    const apiPid = pidsOf(byName(first, 'api'))[0];
    const restarted = await agentRequest<{ app: { processes: Array<{ pid: number }> } }>({ socketPath: socket, token: await token('restart'), method: 'POST', path: agentPaths.restart('api') });
    expect(restarted.body.app.processes[0].pid).not.toBe(apiPid);
    expect(alive(apiPid)).toBe(false);
    const afterRestart = await allRunning(socket, ['api', 'sys', 'solo']);
    expect(pidsOf(byName(afterRestart, 'sys'))).toEqual(pidsOf(byName(first, 'sys')));

    // a broken manifest is refused and changes nothing
    const before = await allRunning(socket, ['api', 'sys', 'solo']);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, apps: [{ ...manifest.apps[0], restart: undefined }] }));
    const broken = (await agentRequest({ socketPath: socket, token: await token('reload'), method: 'POST', path: agentPaths.reload }).catch((e: unknown) => e)) as AgentHttpError;
    expect(broken.status).toBe(422);
    expect((broken.body as { error: string }).error).toContain(`${manifestPath}: invalid agent manifest\n  apps[0].restart: missing required field`);
    const unchanged = await allRunning(socket, ['api', 'sys', 'solo']);
    expect(unchanged.apps.flatMap(pidsOf)).toEqual(before.apps.flatMap(pidsOf));
    // status says so, for apply to fail at once instead of waiting for a new generation
    expect(unchanged.agent).toMatchObject({ generation: before.agent.generation, failedReloads: before.agent.failedReloads + 1 });
    expect(unchanged.agent.reloadError).toContain('apps[0].restart: missing required field');

    // reload: solo removed, api changed (env), sys unchanged
    env(path.join(tmp, 'api.env'), 'GREETING="changed"\n');
    writeManifest(manifestPath, { ...manifest, apps: manifest.apps.filter((a) => a.name !== 'solo') });
    const reload = await agentRequest({ socketPath: socket, token: await token('reload'), method: 'POST', path: agentPaths.reload });
    expect(reload.body).toEqual({ started: [], stopped: ['solo'], restarted: ['api'], unchanged: ['sys'], rolledBack: [] });
    expect((await fetchStatus(socket, await token())).agent.reloadError).toBeUndefined();
    const reloaded = await allRunning(socket, ['api', 'sys']);
    expect(pidsOf(byName(reloaded, 'sys'))).toEqual(pidsOf(byName(before, 'sys')));
    expect(pidsOf(byName(reloaded, 'api'))).not.toEqual(pidsOf(byName(before, 'api')));
    for (const pid of pidsOf(byName(before, 'solo'))) expect(alive(pid)).toBe(false);

    // SIGHUP: solo is back
    writeManifest(manifestPath, manifest);
    agent.child.kill('SIGHUP');
    const hup = await allRunning(socket, ['api', 'sys', 'solo']);
    expect(pidsOf(byName(hup, 'sys'))).toEqual(pidsOf(byName(before, 'sys')));
    expect(agent.logs.some((l) => l.msg === 'reloaded' && (l.started as string[]).includes('solo'))).toBe(true);

    // the `client` subcommand the CLI runs over SSH: token on stdin, JSON out, non-zero on refusal
    const ok = await runClient(bundle, ['status', '--socket', socket], await token());
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as AgentStatus).apps.map((a) => a.name)).toEqual(['api', 'sys', 'solo']);
    const logs = await runClient(bundle, ['logs', 'api', '--lines', '2', '--socket', socket], await token('logs'));
    expect(logs.stdout.trim().split('\n')).toHaveLength(2);
    const denied = await runClient(bundle, ['status', '--socket', socket], await signControlToken(other.privateJwk, { node: 'node-1', action: 'status' }));
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stderr)).toEqual({ status: 401, error: 'unauthorized', reason: 'token signature invalid' });
    expect((await runClient(bundle, ['restart', 'ghost', '--socket', socket], await token('restart'))).code).toBe(1);

    // SIGTERM: every app stops, no orphans, socket removed, final status written, exit 0
    const pids = hup.apps.flatMap(pidsOf);
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(socket)).toBe(false);
    const final = JSON.parse(readFileSync(statusFile, 'utf8')) as AgentStatus;
    expect(final.agent.state).toBe('stopped');
    expect(final.apps.every((a) => a.state === 'stopped')).toBe(true);
  });

  it('exits 70 after stopping the other apps when a critical app exhausts its restart budget', async () => {
    const { manifestPath, manifest } = setup('critical', () => [
      testApp({ name: 'bystander', envFile: env(path.join(tmp, 'bystander.env'), '') }),
      testApp({
        name: 'core', envFile: env(path.join(tmp, 'core.env'), 'CRASH_AFTER_MS="800"\n'), script: path.join(FIXTURES, 'crasher.mjs'), critical: true,
        restart: { strategy: 'one_for_one', maxRestarts: 2, window: 60_000, backoff: { type: 'fixed', initial: 50, max: 50, factor: 1 } },
      }),
    ]);
    const agent = spawnAgent(bundle, manifestPath);
    running.push(agent);
    const up = await waitFor(async () => {
      const s = await fetchStatus(manifest.controlSocket, await token());
      return pidsOf(byName(s, 'bystander')).length ? s : undefined;
    }, 'bystander running');
    const bystander = pidsOf(byName(up, 'bystander'));
    expect(await agent.exit).toBe(70);
    expect(bystander.filter(alive)).toEqual([]);
    expect(existsSync(manifest.controlSocket)).toBe(false);
    const final = JSON.parse(readFileSync(path.join(manifest.stateDir, 'status.json'), 'utf8')) as AgentStatus;
    expect(final.agent).toMatchObject({ state: 'failed', reason: expect.stringContaining('critical app "core" failed') });
    expect(byName(final, 'core')!.state).toBe('failed');
    expect(agent.logs.some((l) => l.msg === 'critical' && l.app === 'core')).toBe(true);
  });

  it('measures its RSS with 5 trivial apps', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const { manifest, manifestPath } = setup('rss', () => names.map((name) => testApp({ name, envFile: env(path.join(tmp, `${name}.env`), 'TICK_MS="1000"\n') })));
    const agent = spawnAgent(bundle, manifestPath);
    running.push(agent);
    await allRunning(manifest.controlSocket, names);
    await new Promise((r) => setTimeout(r, 2_000)); // a couple of metrics rounds
    const status = await fetchStatus(manifest.controlSocket, await token());
    const proc = readFileSync(`/proc/${agent.child.pid}/status`, 'utf8');
    const mib = (field: string) => (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(proc)![1]) / 1024).toFixed(1);
    console.log(`agent RSS with 5 trivial apps: ${mib('VmRSS')} MiB (anonymous ${mib('RssAnon')} MiB, file-backed ${mib('RssFile')} MiB); self-reported ${(status.agent.rss / 1048576).toFixed(1)} MiB`);
    expect(status.apps.map((a) => a.state)).toEqual(names.map(() => 'running'));
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });
});
