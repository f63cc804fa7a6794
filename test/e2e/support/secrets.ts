/** The generated secrets of a running stack, read from where they are meant to be: env files and container env. */
import { APPS, SERVICES, type E2eProject } from './project.js';
import { inspectContainer } from './docker.js';

const URL_KEYS = ['DATABASE_URL', 'REDIS_URL', 'DISCOVERY_REDIS_URL', 'PUBSUB_URL'];
const CONTAINER_SECRET_ENV = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'PUBSUB_PASSWORD', 'REDISCLI_AUTH'];

/** name → value, e.g. `ledger.env DATABASE_URL password` → the role's password. */
export async function collectSecrets(p: E2eProject): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const app of APPS) {
    const env = await p.readEnv(app);
    for (const key of URL_KEYS) {
      if (env[key]) secrets.set(`${app}.env ${key} password`, decodeURIComponent(new URL(env[key]).password));
    }
    if (env.JWT_SECRET) secrets.set(`${app}.env JWT_SECRET`, env.JWT_SECRET);
  }
  for (const service of SERVICES) {
    for (const line of (await inspectContainer(p.containerName(service))).Config.Env ?? []) {
      const [key, ...rest] = line.split('=');
      if (CONTAINER_SECRET_ENV.includes(key)) secrets.set(`${service} container ${key}`, rest.join('='));
    }
  }
  for (const [name, value] of secrets) {
    // A short or empty "secret" would match by accident and prove nothing.
    if (value.length < 16) throw new Error(`secret ${name} is unexpectedly short (${value.length} chars)`);
  }
  return secrets;
}

/** The names of secrets whose value appears in `text` (empty when none leak). */
export function leakedSecrets(text: string, secrets: Map<string, string>): string[] {
  return [...secrets].filter(([, value]) => text.includes(value)).map(([name]) => name);
}
