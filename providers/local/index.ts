/**
 * The local provider: things that live on the machine running omnitron. random_password and
 * ed25519_key live only in state, so observe reports what state remembers; env files and local files
 * are read from disk; a local agent is found through its pid file.
 */
import { resolve } from '../../planner/expr.js';
import type { Observed, ObservedSet, ObserveRequest, Provider, ProviderContext, StateRecord } from '../../planner/resource.js';
import { ED25519_KEY_TYPE, ed25519Key, observeEd25519Key } from './ed25519-key.js';
import { ENV_FILE_TYPE, envFile, readEnvFile } from './env-file.js';
import { LOCAL_FILE_TYPE, localFile, readLocalFile } from './local-file.js';
import { observeRandomPassword, RANDOM_PASSWORD_TYPE, randomPassword } from './random-password.js';
import { LOCAL_AGENT_TARGET, localAgent } from './local-agent.js';
import { LOCAL_AGENT_TYPE, readLocalAgent, type AgentTarget } from './local-agent-observe.js';

export { ed25519Key } from './ed25519-key.js';
export { envFile } from './env-file.js';
export { localFile } from './local-file.js';
export { localAgent } from './local-agent.js';
/** The env file format, for whoever loads these files: Node's built-in loader does not undo the escapes. */
export { randomPassword } from './random-password.js';

/** Types whose only home is state: observed from the prior record. */
const STATE_ONLY = new Map<string, (prior: StateRecord) => Observed | undefined>([
  [RANDOM_PASSWORD_TYPE, observeRandomPassword],
  [ED25519_KEY_TYPE, observeEd25519Key],
]);

interface FileTarget { address: string; path: string }

const pathOf = (attributes: unknown): string | undefined => {
  const p = (attributes as { path?: unknown } | null)?.path;
  return typeof p === 'string' ? p : undefined;
};

/** The live file is where state says it is (a path change is then a replace); new files where config says. */
function fileTargets(request: ObserveRequest, type: string): FileTarget[] {
  const priors = new Map(request.prior.filter((p) => p.type === type).map((p) => [p.address, p]));
  const addresses = new Set([...request.desired.filter((d) => d.type === type).map((d) => d.address), ...priors.keys()]);
  const desired = new Map(request.desired.map((d) => [d.address, d]));
  return [...addresses].flatMap((address) => {
    const d = desired.get(address);
    const file = pathOf(priors.get(address)?.attributes) ?? (d ? pathOf(resolve(d.attributes, request.lookup)) : undefined);
    return file ? [{ address, path: file }] : [];
  });
}

const str = (attributes: unknown, key: string): string | undefined => {
  const v = (attributes as Record<string, unknown> | null | undefined)?.[key];
  return typeof v === 'string' ? v : undefined;
};

/** Like env files: the live agent is where state says; one never applied, where config says. */
function agentTargets(request: ObserveRequest): Array<{ address: string; target: AgentTarget }> {
  const priors = new Map(request.prior.filter((p) => p.type === LOCAL_AGENT_TYPE).map((p) => [p.address, p.attributes]));
  const desired = new Map(request.desired.filter((d) => d.type === LOCAL_AGENT_TYPE).map((d) => [d.address, resolve(d.attributes, request.lookup)]));
  return [...new Set([...desired.keys(), ...priors.keys()])].flatMap((address) => {
    const at = priors.get(address) ?? desired.get(address);
    const [manifestPath, pidFile, logFile, statusFile, envFile] = ['manifestPath', 'pidFile', 'logFile', 'statusFile', 'envFile'].map((k) => str(at, k));
    if (!manifestPath || !pidFile || !logFile || !statusFile || !envFile) return [];
    const bundles = [str(priors.get(address), 'bundle'), str(desired.get(address), 'bundle')].filter((b): b is string => b !== undefined);
    return [{ address, target: { manifestPath, pidFile, logFile, statusFile, envFile, bundles, target: LOCAL_AGENT_TARGET } }];
  });
}

async function observeLocal(_ctx: ProviderContext, request: ObserveRequest): Promise<ObservedSet> {
  const result: ObservedSet = { objects: new Map(), unreadable: new Map() };
  for (const prior of request.prior) {
    const o = STATE_ONLY.get(prior.type)?.(prior);
    if (o) result.objects.set(o.address, o);
  }
  const readers = [
    ...fileTargets(request, ENV_FILE_TYPE).map((t) => ({ ...t, read: readEnvFile })),
    ...fileTargets(request, LOCAL_FILE_TYPE).map((t) => ({ ...t, read: readLocalFile })),
  ];
  await Promise.all(readers.map(async (t) => {
    try {
      const o: Observed | undefined = await t.read(t.address, t.path);
      if (o) result.objects.set(t.address, o);
    } catch (err) {
      result.unreadable.set(t.address, `could not read ${t.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }));
  await Promise.all(agentTargets(request).map(async ({ address, target }) => {
    try {
      const o = await readLocalAgent(address, target);
      if (o) result.objects.set(address, o);
    } catch (err) {
      result.unreadable.set(address, `could not read the agent's files: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }));
  return result;
}

export const localProvider: Provider = {
  name: 'local',
  types: [randomPassword, ed25519Key, envFile, localFile, localAgent],
  observe: observeLocal,
};
