/**
 * A throwaway Postgres for the state part, from the local test image: 5432 published on 127.0.0.1
 * only (a random host port), ready once `pg_isready` answers inside it. The docker CLI, so the bench
 * needs neither testcontainers nor the TypeScript test helpers. Default durability settings (fsync and
 * synchronous_commit on): a write is durable when the server says so.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const POSTGRES_IMAGE = 'omnitron-local/postgres:15';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args[0]} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** Starts the server; `onCreated(name)` runs once the container exists. Resolves to `{ name, url }`. */
export async function startPostgresServer({ onCreated = () => {}, timeoutMs = 60_000 } = {}) {
  const name = `omnitron-bench-state-pg-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  docker(['run', '-d', '--name', name, '--label', 'omnitron.bench=state', '-e', 'POSTGRES_PASSWORD=' + password, '-e', 'POSTGRES_DB=state', '-p', '127.0.0.1::5432', POSTGRES_IMAGE]);
  onCreated(name);
  const deadline = Date.now() + timeoutMs;
  while (spawnSync('docker', ['exec', name, 'pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-d', 'state'], { stdio: 'ignore' }).status !== 0) {
    if (Date.now() > deadline) throw new Error(`Postgres was not ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
  const port = docker(['port', name, '5432/tcp']).split('\n')[0].split(':').pop();
  return { name, url: `postgres://postgres:${password}@127.0.0.1:${port}/state` };
}

export function removePostgresServerNow(name) {
  spawnSync('docker', ['rm', '-f', '-v', name], { stdio: 'ignore' });
}
