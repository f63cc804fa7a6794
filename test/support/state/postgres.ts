/**
 * A throwaway Postgres for the state backend's tests (local image, testcontainers, loopback only),
 * named `omnitron-state-pg-<random>` so it never collides with other test files' containers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StartedTestContainer } from 'testcontainers';
import { loopbackContainer } from '../loopback-container.js';

export interface StatePostgres {
  /** `postgres://postgres:PASSWORD@127.0.0.1:PORT/state` */
  url: string;
  password: string;
  /** Runs SQL as the superuser. */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

export async function startStatePostgres(): Promise<StatePostgres> {
  const { Wait } = await import('testcontainers');
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const container: StartedTestContainer = await (await loopbackContainer('omnitron-local/postgres:15'))
    .withName(`omnitron-state-pg-${randomBytes(4).toString('hex')}`)
    .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: password, POSTGRES_DB: 'state' })
    .withExposedPorts(5432)
    .withHealthCheck({ test: ['CMD', 'pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-d', 'state'], interval: 500, timeout: 3_000, retries: 120 })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000)
    .start();
  const url = `postgres://postgres:${password}@127.0.0.1:${container.getMappedPort(5432)}/state`;
  return {
    url,
    password,
    sql: async (text, values = []) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    stop: async () => { await container.stop({ remove: true, removeVolumes: true }); },
  };
}
