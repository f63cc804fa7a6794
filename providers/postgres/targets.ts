/**
 * What postgres observe looks for on each server: every desired or remembered role/database, by the
 * name it should have or had, grouped by server (providers/server-observe.ts) so each is queried once.
 */
import type { Server, ServerKind, TargetInput } from '../server-observe.js';
import { describePgError, parsePgConnection, serverKey, type PgConnection } from './connection.js';
import { DATABASE_TYPE } from './database.js';
import { ROLE_TYPE } from './role.js';

export interface Target {
  address: string;
  type: string;
  /** Name the object should have (desired) or had (state). */
  name?: string;
  /** State's password, to check the live verifier against (roles only). */
  password?: string;
  /** In config (not only remembered): may claim an object stamped by another stack, with a note. */
  desired: boolean;
}

export type PgServer = Server<PgConnection, Target>;

function nameOf(attributes: unknown): string | undefined {
  const name = (attributes as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

function target({ address, type, desired, attributes, prior }: TargetInput): Target {
  const password = prior?.outputs.password;
  return { address, type, name: nameOf(attributes) || nameOf(prior?.attributes), desired, ...(typeof password === 'string' ? { password } : {}) };
}

export const postgresServers: ServerKind<PgConnection, Target> = {
  label: 'postgres',
  types: new Set([ROLE_TYPE, DATABASE_TYPE]),
  parseConnection: parsePgConnection,
  serverKey,
  target,
  describeError: (err, connection) => describePgError(err, [connection.password]),
};
