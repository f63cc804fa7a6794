import { safeName } from '../names.js';

/** The name an app has inside the agent: the config's name when it is a plain word, a stable slug otherwise. */
export function agentAppName(app: string): string {
  const name = safeName(app, /[^A-Za-z0-9_.-]/g);
  return /^[A-Za-z0-9]/.test(name) ? name : `app${name}`;
}
