/**
 * A service's `secrets` entry `{ "secret": KEY }` names a value omnitron generates once per stack and
 * keeps as the resource `random_password.<KEY>`; every service naming the same KEY gets the same value.
 * So a KEY is a name (it becomes a resource address), and the keys omnitron generates for itself are
 * not a service's to take: an app's config/default.json could otherwise hand its app the Postgres
 * superuser's password through `${secret:…}`.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { RawSecrets } from './schema.js';
import { checkName } from './service-name.js';
import { at, within, type SourceContext } from './source-context.js';

/** The keys of omnitron's own secrets (planner/desired: POSTGRES_SUPERUSER_SECRET, REDIS_SECRET, JWT_SECRET) and what each holds. */
export const RESERVED_SECRET_KEYS: Readonly<Record<string, string>> = {
  postgres_superuser: 'the password of the stack\'s Postgres superuser',
  redis_password: 'the password of the stack\'s shared Redis',
  jwt_secret: 'the JWT secret every app of the stack gets as JWT_SECRET',
};

/** `ctx` points at the service; each generated KEY is checked where it is written (`secrets.NAME.secret`). */
export function checkSecretKeys(raw: RawSecrets | undefined, ctx: SourceContext): Diagnostic[] {
  return Object.entries(raw ?? {}).flatMap(([name, spec]) => {
    if (typeof spec === 'string') return [];
    const where = at(within(ctx, 'secrets', name), 'secret');
    const invalid = checkName('secret', spec.secret, where, 'a generated secret is kept as random_password.<KEY>: use letters, digits, "_", "." and "-", starting with a letter or digit');
    if (invalid.length > 0) return invalid;
    const holds = RESERVED_SECRET_KEYS[spec.secret];
    if (holds === undefined) return [];
    return [error(`secret "${spec.secret}" is omnitron's own: ${holds}`, {
      detail: `a service cannot take it through \${secret:${name}}; name a key of the service's own and omnitron generates a new secret for it`,
      ...where,
    })];
  });
}
