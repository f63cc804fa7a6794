/**
 * The dev stack's apps under the local agent, for real: `omnitron apply` starts the agent (a
 * background process that outlives the CLI), which runs the five example apps against the Docker
 * infrastructure; the agent restarts a killed app; a crash-looping app is runtime drift; a killed
 * agent is drift that apply repairs without restarting the apps; destroy stops the agent and its apps. The `it`s run in order
 * and share one stack on purpose.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, requireNode24 } from './support/cli.js';
import { APPS, createProject, type AppName, type E2eProject } from './support/project.js';
import { agentPaths, alive, commandLine, readAgentPid, readAgentStatus, waitUntil, type AgentApp } from './support/local-agent.js';
import { applyOk, expectDrift, expectExit, expectNoChanges, parsePlanJson } from './support/expect-cli.js';

interface Health { app: string; ok: boolean; checks: Record<string, string> }

describe('local stack: apps run by the agent', () => {
  let p: E2eProject;

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  const health = async (app: AppName) => {
    const res = await fetch(`http://127.0.0.1:${p.appPorts[app]}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as Health };
  };
  const appStatus = async (app: AppName): Promise<AgentApp> => (await readAgentStatus(p.stackDir)).apps.find((a) => a.name === app)!;
  const appPid = async (app: AppName) => (await appStatus(app)).processes[0]!.pid!;
  const expectAllHealthy = async () => {
    for (const app of APPS) {
      const h = await waitUntil(() => health(app), `${app} to answer /health`, 20_000);
      expect(h.status, `${app}: ${JSON.stringify(h.body)}`).toBe(200);
      expect(h.body).toMatchObject({ app, ok: true });
    }
  };

  it('apply starts the agent, and every app answers /health on its port with working infra', async () => {
    const started = Date.now();
    const r = await applyOk(p);
    console.log(`apply of the dev stack from nothing (agent and five apps included): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.stdout).toMatch(/^local_agent\.apps: Creation complete/m);
    const pid = await readAgentPid(p.stackDir);
    expect(pid && (await alive(pid)), 'the agent outlives the apply that started it').toBe(true);
    expect(await commandLine(pid!)).toContain(`run --manifest ${agentPaths(p.stackDir).manifest}`);
    await expectAllHealthy();
    expect((await health('ledger')).body.checks).toEqual({ DATABASE_URL: 'ok (ledger@ledger)', REDIS_URL: 'ok' });
    expect((await health('realtime')).body.checks).toEqual({ REDIS_URL: 'ok', DISCOVERY_REDIS_URL: 'ok', PUBSUB_URL: 'ok' });
    expect((await readAgentStatus(p.stackDir)).apps.map((a) => [a.name, a.state])).toEqual(APPS.map((a) => [a, 'running']));
    await expectNoChanges(p);
  });

  it('keeps the discovery URL out of the manifest, the command line and the plan', async () => {
    const url = (await p.readEnv('realtime')).DISCOVERY_REDIS_URL!;
    expect(url).toMatch(/^redis:\/\/:.+@127\.0\.0\.1:/);
    expect(await readFile(agentPaths(p.stackDir).manifest, 'utf8')).not.toContain(url);
    expect(await commandLine((await readAgentPid(p.stackDir))!)).not.toContain(url);
    const shown = expectExit(await p.run('state', 'show', 'local_agent.apps'), 0);
    expect(shown.stdout).toContain('"OMNITRON_DISCOVERY_REDIS_URL": "(sensitive value)"');
    expect(p.transcript.join('\n')).not.toContain(url);
  });

  it('kill -9 of an app process: the agent restarts it and it answers again', async () => {
    const before = await appStatus('ledger');
    const pid = before.processes[0]!.pid!;
    process.kill(pid, 'SIGKILL');
    const after = await waitUntil(async () => {
      const s = await appStatus('ledger');
      return s.state === 'running' && s.restarts > before.restarts && s.processes[0]?.pid !== pid ? s : undefined;
    }, 'ledger to be restarted');
    expect(after.restarts).toBe(before.restarts + 1);
    expect(await alive(pid)).toBe(false);
    expect((await waitUntil(() => health('ledger'), 'ledger to answer again')).status).toBe(200);
    await expectNoChanges(p);
  });

  it('a changed app environment reloads the agent, which restarts the apps with it', async () => {
    const agent = (await readAgentStatus(p.stackDir)).agent;
    const pids = await Promise.all(APPS.map(appPid));
    await p.editConfig((text) => text.replace(`LOG_LEVEL: 'debug'`, `LOG_LEVEL: 'info'`));
    const r = await applyOk(p);
    expect(r.stdout).toMatch(/^local_agent\.apps: Modifications complete/m);
    const now = (await readAgentStatus(p.stackDir)).agent;
    expect(now.pid, 'reloaded, not restarted').toBe(agent.pid);
    expect(now.generation).toBe(agent.generation + 1);
    for (const [i, app] of APPS.entries()) expect(await appPid(app), app).not.toBe(pids[i]);
    await expectAllHealthy();
    await expectNoChanges(p);
  });

  it('a crash-looping app is runtime drift: plan --detailed-exitcode exits 2 naming it', async () => {
    const main = join(p.dir, 'apps/analytics/dist/main.js');
    const good = await readFile(main, 'utf8');
    await writeFile(main, `throw new Error('analytics release is broken');\n${good}`);
    process.kill(await appPid('analytics'), 'SIGKILL');
    await waitUntil(async () => (await appStatus('analytics')).restarts >= 2, 'analytics to crash again after its restart');

    const r = expectExit(await p.run('plan', '--detailed-exitcode'), 2);
    expect(r.stdout, describeRun(r)).toContain('Apps not running as configured (runtime drift):');
    expect(r.stdout).toMatch(/# analytics on local: (crash-looping|failed), \d+ restarts, last exit: exit code 1/);
    expect(r.stdout, 'the rebuilt app has a new revision').toContain('# local_agent.apps will be updated in-place');
    const json = parsePlanJson(expectExit(await p.run('plan', '--json'), 0)) as unknown as { runtime_drift: Array<{ app: string }> };
    expect(json.runtime_drift.map((i) => i.app)).toEqual(['analytics']);
    for (const app of APPS.filter((a) => a !== 'analytics')) expect((await health(app)).status, app).toBe(200);

    const others = await Promise.all(APPS.filter((a) => a !== 'analytics').map(appPid));
    await writeFile(main, good);
    const fixed = await applyOk(p);
    expect(fixed.stdout).toMatch(/^local_agent\.apps: Modifications complete/m);
    await expectAllHealthy();
    expect(await Promise.all(APPS.filter((a) => a !== 'analytics').map(appPid)), 'only the rebuilt app restarts').toEqual(others);
    await expectNoChanges(p);
  });

  it('a killed agent is drift; apply starts a new one, which adopts the apps it left running', async () => {
    const pid = (await readAgentPid(p.stackDir))!;
    const apps = await Promise.all(APPS.map(appPid));
    process.kill(pid, 'SIGKILL');
    await waitUntil(async () => !(await alive(pid)), 'the agent to die');
    const drift = await expectDrift(p, 'local_agent.apps');
    expect(drift.stdout).toContain(`agent not running (pid ${pid} is gone)`);
    await applyOk(p);
    const next = (await readAgentPid(p.stackDir))!;
    expect(next).not.toBe(pid);
    expect(await alive(next)).toBe(true);
    expect(await Promise.all(APPS.map(appPid))).toEqual(apps);
    await expectAllHealthy();
    await expectNoChanges(p);
  });

  it('destroy stops the agent and its apps: pids gone, ports closed', async () => {
    const agent = (await readAgentPid(p.stackDir))!;
    const apps = await Promise.all(APPS.map(appPid));
    const r = expectExit(await p.run('destroy', '--auto-approve'), 0);
    expect(r.stdout).toMatch(/^local_agent\.apps: Destruction complete/m);
    for (const pid of [agent, ...apps]) expect(await alive(pid), `pid ${pid}`).toBe(false);
    expect(existsSync(agentPaths(p.stackDir).pidFile)).toBe(false);
    expect(existsSync(agentPaths(p.stackDir).manifest)).toBe(false);
    for (const app of APPS) await expect(health(app), app).rejects.toThrow();
    expect((await readAgentStatus(p.stackDir)).agent.state).toBe('stopped');
  });
});
