/**
 * CREATE of a role or database that another session is creating at the same moment: a killed apply's
 * CREATE DATABASE keeps running on the server, and the rerun's CREATE then fails with a duplicate. The
 * object is the one our intent said we were making, so the answer is to read it again, not to fail.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pgErrorCode } from './connection.js';

/** duplicate_database, duplicate_object, and the catalog's unique index seen by a concurrent CREATE. */
const DUPLICATE = new Set(['42P04', '42710', '23505']);
const WAIT_MS = 200;
const TRIES = 50;

export function isDuplicate(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code !== undefined && DUPLICATE.has(code);
}

/**
 * Runs `create`; when it loses a race with a concurrent creator, waits until `exists` sees the
 * object (the other session's transaction committed) and runs `adopt` (the alter path) instead.
 */
export async function createOrAdopt(create: () => Promise<unknown>, exists: () => Promise<boolean>, adopt: () => Promise<unknown>): Promise<void> {
  try {
    await create();
    return;
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    for (let i = 0; i < TRIES && !(await exists()); i++) await sleep(WAIT_MS);
    if (!(await exists())) throw err;
  }
  await adopt();
}
