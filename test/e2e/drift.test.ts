/**
 * `omnitron drift` for CI, on the dev stack of examples/platform: one apply, then (d) nothing, (a) a
 * `docker stop`, (b) a crash-looping app, (c) an env change in the config only, and the refresh-only
 * plan and apply. The `it`s run in order and share one stack on purpose. Goldens of the Markdown and
 * JSON reports are normalised (project name, ports, restart counts); UPDATE_GOLDENS=1 rewrites them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldensIn } from '../support/goldens.js';
import { CLI_PATH, REPO_ROOT, describeRun, requireNode24, runCli, type CliResult } from './support/cli.js';
import { docker, inspectContainer } from './support/docker.js';
import { APPS, appPortEnv, createProject, type E2eProject } from './support/project.js';
import { readAgentStatus, waitUntil } from './support/local-agent.js';
import { collectSecrets, leakedSecrets } from './support/secrets.js';
import { applyOk, expectExit, expectOutput } from './support/expect-cli.js';

const GOLDEN_DIR = fileURLToPath(new URL('../goldens/drift-e2e/', import.meta.url));

interface Finding { id: string; category: string; kind: string; address: string; attribute?: string; before?: unknown; after?: unknown; sensitive?: boolean; recordable?: boolean; app?: string; state?: string }
interface DriftJson { status: string; exit_code: number; findings: Finding[]; summary: Record<string, number> }

describe('drift for CI', () => {
  let p: E2eProject;
  /** Every drift report printed, scanned for secrets at the end. */
  const reports: string[] = [];

  beforeAll(async () => {
    requireNode24();
    p = await createProject();
  });
  afterAll(async () => { await p?.cleanup(); });

  const drift = async (...args: string[]): Promise<CliResult> => {
    const r = await p.run('drift', ...args);
    reports.push(r.stdout, r.stderr);
    return r;
  };
  const driftJson = async (code: number, ...args: string[]): Promise<DriftJson & { stdout: string }> => {
    const r = expectExit(await drift('--format', 'json', ...args), code);
    return { ...(JSON.parse(r.stdout) as DriftJson), stdout: r.stdout };
  };
  const normalise = (text: string) => normalised(text, p);
  const appState = async (app: string) => (await readAgentStatus(p.stackDir)).apps.find((a) => a.name === app)!;
  /** Each case starts from every app running (an app restarting after an earlier case would be runtime drift). */
  const allAppsRunning = () => waitUntil(async () => (await readAgentStatus(p.stackDir)).apps.every((a) => a.state === 'running'), 'every app to run', 60_000);

  it('before the first apply everything is a config change not yet applied (exit 3); drift creates no key file and writes no state', async () => {
    const r = expectExit(await drift(), 3);
    expect(r.stdout).toContain('Config changes not yet applied (state -> config):');
    expect(r.stdout).toMatch(/# docker_container\.postgres to create: not found/);
    expect(existsSync(p.keyFile), 'no key file').toBe(false);
    expect(existsSync(p.statePath), 'no state').toBe(false);
    expect(existsSync(p.lockPath), 'no lock').toBe(false);
  });

  it('(d) after one apply there is nothing: exit 0 in every format, and drift takes no lock and writes no state', async () => {
    await applyOk(p);
    const state = await readFile(p.statePath, 'utf8');
    const text = expectExit(await drift(), 0);
    expect(text.stdout).toContain('No drift.');
    expect(await driftJson(0)).toMatchObject({ status: 'clean', exit_code: 0, findings: [] });
    expectGolden('clean.md', normalise(expectExit(await drift('--format', 'markdown'), 0).stdout));
    expect(await readFile(p.statePath, 'utf8'), 'state untouched').toBe(state);
    expect(existsSync(p.lockPath), 'no lock left or taken').toBe(false);
    const missing = join(p.root, 'no-such.key');
    const nokey = expectExit(await runCli(['drift'], { cwd: p.dir, env: { ...p.env, OMNITRON_STATE_KEY_FILE: missing } }), 1);
    expect(nokey.stderr).toContain(`no state key: state ${p.statePath} needs the key it was written with, and the key file ${missing} does not exist`);
    expect(nokey.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(missing), 'drift never creates a key').toBe(false);
  });

  it('(a) a docker stop is changed outside omnitron: exit 2, also for plan -refresh-only -detailed-exitcode', async () => {
    await docker('stop', p.containerName('pubsub'));
    const text = expectExit(await drift(), 2);
    expect(text.stdout).toMatch(/Changed outside omnitron \(state -> live\):\n\s+# docker_container\.pubsub: container is exited\n\s+~ status = "running" -> "exited"/);
    const json = await driftJson(2);
    expect(json.findings.filter((f) => f.category === 'outside').map((f) => [f.address, f.attribute, f.before, f.after, f.recordable]))
      .toContainEqual(['docker_container.pubsub', 'status', 'running', 'exited', false]);
    const refresh = expectExit(await p.run('plan', '-refresh-only', '-detailed-exitcode'), 2);
    expect(refresh.stdout).toContain('# docker_container.pubsub: container is exited');
    expect(refresh.stdout).toContain('State has no place for this condition (docker_container.pubsub)');
    const refreshJson = JSON.parse(expectExit(await p.run('plan', '-refresh-only', '-json'), 0).stdout) as DriftJson;
    expect(refreshJson.findings.map((f) => [f.category, f.address, f.attribute])).toEqual([['outside', 'docker_container.pubsub', 'status']]);
    await docker('start', p.containerName('pubsub'));
    await waitUntil(async () => (await inspectContainer(p.containerName('pubsub'))).State.Health?.Status === 'healthy', 'pubsub to be healthy again', 60_000);
    expectExit(await drift(), 0);
  });

  it('(b) a crash-looping app is runtime drift: exit 2, its own section, and --ignore app.NAME hides it', async () => {
    await allAppsRunning();
    const before = await appState('analytics');
    const port = p.appPorts.analytics;
    process.kill(before.processes[0]!.pid!, 'SIGKILL');
    // Holding the app's port makes every restart fail with EADDRINUSE: a crash loop with no file of the app changed.
    const hog = await waitUntil(() => listenOn(port).catch(() => undefined), `port ${port} to be free`, 10_000);
    try {
      await waitUntil(async () => (await appState('analytics')).restarts >= before.restarts + 2, 'analytics to crash again after its restart', 60_000);
      const text = expectExit(await drift(), 2);
      expect(text.stdout).toMatch(/Apps not running as configured \(runtime drift\):\n\s+# analytics on local: (crash-looping|backoff|failed), \d+ restarts, last exit: exit code 1/);
      expect(text.stdout, describeRun(text)).not.toContain('Changed outside omnitron');
      expect(text.stdout).not.toContain('Config changes not yet applied');
      const json = await driftJson(2);
      expect(json.findings.map((f) => [f.category, f.address, f.app])).toEqual([['runtime', 'app.analytics', 'analytics']]);
      expectGolden('crash-loop.json', normalise(json.stdout));
      expectGolden('crash-loop.md', normalise(expectExit(await drift('--format', 'markdown'), 2).stdout));
      expect((await driftJson(0, '--ignore', 'app.analytics')).summary).toMatchObject({ runtime: 0, ignored: 1 });
    } finally {
      await new Promise((r) => hog.close(r));
    }
    // The agent's next restart succeeds; an app it already gave up on is started again by apply's reload.
    if ((await appState('analytics')).state === 'failed') await applyOk(p);
    await allAppsRunning();
    expectExit(await drift(), 0);
  });

  it('(c) an env change in the config only is a config change not yet applied: exit 3', async () => {
    await allAppsRunning();
    await p.editConfig((text) => replaceOnce(text, `LOG_LEVEL: 'debug'`, `LOG_LEVEL: 'info'`));
    const text = expectExit(await drift(), 3);
    expect(text.stdout).not.toContain('Changed outside omnitron');
    expect(text.stdout).toMatch(/# env_file\.media to update: config changed\n(\s+~ .*\n)*\s+~ \S*LOG_LEVEL\s+= "debug" -> "info"/);
    const json = await driftJson(3);
    const pending = [...new Set(json.findings.map((f) => f.address))].sort();
    expect(json.findings.every((f) => f.category === 'pending')).toBe(true);
    expect(pending).toEqual([...APPS.map((a) => `env_file.${a}`), 'local_agent.apps'].sort());
    expectGolden('config-only.json', normalise(json.stdout));
    expectGolden('config-only.md', normalise(expectExit(await drift('--format', 'markdown'), 3).stdout));
    const ci = await runCiScript(p);
    reports.push(ci.stdout, ci.stderr, ci.summary);
    expect(ci.code, `${ci.stdout}\n${ci.stderr}`).toBe(3);
    expect(ci.stderr).toContain('omnitron drift: stack dev has config changes not yet applied');
    expect(normalise(ci.summary)).toBe(`# earlier step\n${readGolden('config-only.md')}`);
    expect(await driftJson(0, ...pending.flatMap((a) => ['--ignore', a]))).toMatchObject({ status: 'clean', summary: { ignored: json.findings.length } });
    const typo = expectExit(await drift('--ignore', 'env_file.meda'), 1);
    expect(typo.stderr).toContain('--ignore env_file.meda: no such resource or app in stack "dev" (did you mean "env_file.media"?)');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
    expectExit(await p.run('plan', '-refresh-only', '-detailed-exitcode'), 0);
  });

  it('apply -refresh-only records a hand edit in state and changes nothing live; drift then calls it a config change', async () => {
    const edited = (await readFile(p.envPath('media'), 'utf8')).replace('LOG_LEVEL="debug"', 'LOG_LEVEL="trace"');
    await writeFile(p.envPath('media'), edited);
    const json = await driftJson(2);
    expect(json.findings.filter((f) => f.category === 'outside').map((f) => [f.address, f.attribute, f.before, f.after, f.recordable]))
      .toEqual([['env_file.media', expect.stringContaining('LOG_LEVEL'), 'debug', 'trace', true]]);
    expectOutput(expectExit(await p.run('plan', '-refresh-only', '-detailed-exitcode'), 2), 'apply this plan to record the updated values');
    const refused = expectExit(await p.run('apply', '-refresh-only'), 1);
    expect(refused.stderr).toContain('apply -refresh-only needs approval, but there is no terminal to ask on');
    const state = await readFile(p.statePath, 'utf8');
    const applied = expectExit(await p.run('apply', '-refresh-only', '-auto-approve'), 0);
    expect(applied.stdout).toContain('Recorded in state: 1 updated to what is live, 0 deleted outside omnitron forgotten.');
    expect(await readFile(p.statePath, 'utf8')).not.toBe(state);
    expect(await readFile(p.envPath('media'), 'utf8'), 'nothing live changed').toBe(edited);
    expect(existsSync(p.lockPath), 'the lock is released').toBe(false);
    const after = await driftJson(3);
    expect(after.findings.some((f) => f.category === 'outside')).toBe(false);
    expect(after.findings).toContainEqual(expect.objectContaining({ category: 'pending', address: 'env_file.media', before: 'trace', after: 'info' }));
    expectExit(await p.run('plan', '-refresh-only', '-detailed-exitcode'), 0);
  });

  it('no drift report (any format, the CI script\'s summary) and no refresh-only plan or apply output contains a secret', async () => {
    const secrets = await collectSecrets(p);
    expect(secrets.size).toBeGreaterThan(5);
    expect(leakedSecrets([...p.transcript, ...reports].join('\n'), secrets)).toEqual([]);
  });
});

/**
 * examples/ci/drift-check.sh as a CI job runs it: the state key in OMNITRON_STATE_KEY (the key file's text),
 * the built CLI as OMNITRON_BIN, a step summary that an earlier step already wrote to.
 */
async function runCiScript(p: E2eProject): Promise<{ code: number | null; stdout: string; stderr: string; summary: string }> {
  const bin = join(p.root, 'omnitron-bin');
  await writeFile(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_PATH)} "$@"\n`, { mode: 0o755 });
  const summary = join(p.root, 'step-summary.md');
  await writeFile(summary, '# earlier step\n');
  const env: NodeJS.ProcessEnv = {
    ...p.env, ...Object.fromEntries(APPS.map((a) => [appPortEnv(a), String(p.appPorts[a])])),
    OMNITRON_STATE_KEY: (await readFile(p.keyFile, 'utf8')).trim(), OMNITRON_BIN: bin, OMNITRON_STACK: 'dev',
    GITHUB_STEP_SUMMARY: summary, DRIFT_REPORT: join(p.root, 'drift-report.md'),
  };
  delete env.OMNITRON_STATE_KEY_FILE;
  const r = spawnSync('sh', [join(REPO_ROOT, 'examples/ci/drift-check.sh')], { cwd: p.dir, env, encoding: 'utf8', timeout: 150_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: await readFile(summary, 'utf8') };
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Whoever connects (the agent checking the app's health) is hung up on: close() must not wait for them.
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Names, ports, paths and counts that differ per run become fixed words. */
function normalised(text: string, p: E2eProject): string {
  let out = text.split(p.dir).join('<project-dir>').split(p.project).join('<project>');
  const ports = [...Object.entries(p.ports), ...Object.entries(p.appPorts)].sort(([, a], [, b]) => String(b).length - String(a).length);
  for (const [name, port] of ports) out = out.replace(new RegExp(`\\b${port}\\b`, 'g'), `<port:${name}>`);
  return out
    .replace(/"(restarts)": \d+/g, '"$1": <n>')
    .replace(/\b(crash-looping|backoff|failed|starting), \d+ restarts/g, '<state>, <n> restarts')
    .replace(/"state": "(crash-looping|backoff|failed|starting)"/g, '"state": "<state>"')
    .replace(/"summary": "analytics is (crash-looping|backoff|failed|starting)"/g, '"summary": "analytics is <state>"')
    .replace(/"omnitron_version": "[^"]+"/, '"omnitron_version": "<version>"')
    // Digests of env files that hold generated secrets differ per run.
    .replace(/\b[0-9a-f]{32}\b/g, '<digest>');
}

function readGolden(file: string): string {
  return readFileSync(GOLDEN_DIR + file, 'utf8');
}

const expectGolden = goldensIn(GOLDEN_DIR);

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`config no longer contains ${from}`);
  return text.replace(from, to);
}
