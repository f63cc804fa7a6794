/**
 * Part 2c: the state backends side by side in one run. Per durable change at 100, 1,000 and 10,000
 * records, file and Postgres (state-backends.child.js): as written now (one journal entry or row per
 * change), as before (the whole sealed document per change), and the medium's own durable-write floor;
 * then taking the lock, and a no-op `omnitron plan` of a small stack (one Redis container) with its
 * state in the file and in Postgres. Starts its own Postgres (local image) and removes it afterwards.
 */
import './lib/node24.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { cleanupStack } from './lib/cleanup.js';
import { freePorts } from './lib/free-ports.js';
import { POSTGRES_IMAGE, removePostgresServerNow, startPostgresServer } from './lib/postgres-server.js';
import { cliProblem, dockerProblem } from './lib/preflight.js';
import { fmt, median, nowMs, runChild, table, verdict } from './lib/stats.js';

const CHILD = fileURLToPath(new URL('./state-backends.child.js', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SIZES = [100, 1000, 10000];
const TARGET_MS = 2;
const PLAN_RUNS = 5;

async function perChange(print, url) {
  const rows = [];
  const results = {};
  for (const kind of ['file', 'postgres']) {
    for (const count of SIZES) {
      const r = await runChild(CHILD, [kind, String(count), ...(kind === 'postgres' ? [url] : [])]);
      results[`${kind}/${count}`] = r;
      rows.push([kind, count, fmt(r.medianMsPerChange, 2), fmt(r.msPerChange, 2), fmt(r.p95MsPerChange, 1), fmt(r.floorMedianMs, 2), fmt(r.wholeMsPerChange, 1), `${fmt(r.wholeMsPerChange / r.msPerChange, 0)}x`, verdict(r.medianMsPerChange <= TARGET_MS)]);
    }
  }
  print(table(['backend', 'records', 'median ms', 'mean ms', 'p95 ms', 'floor ms', 'whole-doc ms', 'whole/now', `≤ ${TARGET_MS} ms`], rows));
  print(`  One durable change (an upsert of an existing record, sealed, awaited) at that state size, ${results['file/100'].changes} changes each.`);
  print('  floor: the same medium\'s cheapest durable write measured just before (a 1 KB append + fdatasync; a one-row INSERT commit).');
  print('  whole-doc: the same change written the way it was before, re-serialising and writing the whole sealed document.');
  for (const kind of ['file', 'postgres']) {
    const [small, large] = [results[`${kind}/100`], results[`${kind}/10000`]];
    print(`  ${kind}: ${fmt(large.medianMsPerChange / small.medianMsPerChange, 2)}x per change from 100 to 10,000 records (median), floor ${fmt(small.floorMedianMs, 2)} → ${fmt(large.floorMedianMs, 2)} ms.`);
  }
  return results;
}

function omnitron(dir, env, args) {
  const start = nowMs();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: nowMs() - start };
}

function must(what, r) {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${r.out.trim().split('\n').slice(-10).join('\n')}`);
  return r;
}

function noopPlans(dir, env) {
  const runs = [];
  for (let i = 0; i <= PLAN_RUNS; i++) runs.push(must('omnitron plan --detailed-exitcode', omnitron(dir, env, ['plan', '--detailed-exitcode'])));
  return median(runs.slice(1).map((r) => r.ms));
}

async function planSideBySide(print, cleanup, url, locks) {
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-bench-state-plan-'));
  cleanup.add('remove temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const project = `benchstate${randomBytes(3).toString('hex')}`;
  const [port] = await freePorts(1);
  writeFileSync(join(dir, 'omnitron.config.ts'), `export default { project: '${project}', apps: [], infrastructure: { services: { cache: { preset: 'redis', image: 'omnitron-local/redis:7', ports: { main: ${port} } } } } };\n`);
  const fileEnv = { ...process.env, NO_COLOR: '1', CI: 'true', OMNITRON_STATE_KEY: randomBytes(32).toString('hex') };
  delete fileEnv.OMNITRON_STATE_URL;
  const pgEnv = { ...fileEnv, OMNITRON_STATE_URL: url };
  cleanup.add(`destroy ${project}`, () => {
    omnitron(dir, pgEnv, ['destroy', '--auto-approve', '--volumes']);
    const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=dev.omnitron.project=${project}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (ids.length) spawnSync('docker', ['rm', '-f', '-v', ...ids]);
  });
  must('omnitron apply', omnitron(dir, fileEnv, ['apply', '--auto-approve']));
  const file = noopPlans(dir, fileEnv);
  must('omnitron state migrate', omnitron(dir, fileEnv, ['state', 'migrate', '--to', url]));
  const postgres = noopPlans(dir, pgEnv);
  print(table(['', 'file', 'postgres', 'postgres / file'], [
    ['lock acquire, ms (median, in process)', fmt(locks.file, 2), fmt(locks.postgres, 2), `${fmt(locks.postgres / locks.file, 1)}x`],
    [`no-op plan, ms (median of ${PLAN_RUNS}, CLI)`, fmt(file, 0), fmt(postgres, 0), `${fmt(postgres / file, 2)}x`],
  ]));
  print('  lock: take and release the stack lock (file: link a lock file; Postgres: pg_try_advisory_lock on the open connection + the lock row).');
  print('  plan: `omnitron plan --detailed-exitcode` of one Redis container (5 records), the same stack, its state in the file then migrated to Postgres.');
}

export async function stateBackendsPart(print) {
  print('Part 2c: state backends, file and Postgres, in the same run');
  const docker = new Docker();
  const problem = (await dockerProblem(docker, [POSTGRES_IMAGE, 'omnitron-local/redis:7'], 'bash scripts/build-images.sh')) ?? cliProblem(CLI);
  if (problem) {
    print(`  skipped: ${problem}`);
    return;
  }
  const cleanup = cleanupStack(print);
  try {
    const server = await startPostgresServer({ onCreated: (name) => cleanup.add('remove the bench Postgres', () => removePostgresServerNow(name)) });
    const results = await perChange(print, server.url);
    print('');
    const locks = { file: results['file/100'].lockMs, postgres: results['postgres/100'].lockMs };
    await planSideBySide(print, cleanup, server.url, locks);
  } finally {
    cleanup.run();
  }
}
