/**
 * Which credentials to offer a node: the key named in the config, else the usual files in ~/.ssh
 * (id_ed25519, id_ecdsa, id_rsa) and then the agent at SSH_AUTH_SOCK. Keys are parsed up front so a
 * bad or encrypted key is reported by its path, not as a vague authentication failure.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type AgentAuthMethod, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';

// ssh2 is CommonJS; Node's ESM loader cannot see its named exports.
const { utils } = ssh2;
import { ProviderError } from '../../planner/resource.js';

export interface Credentials {
  /** Private key file; `~/` is expanded. When set, only this key is offered. */
  privateKey?: string;
  /** Agent socket path, true for SSH_AUTH_SOCK (the default when no privateKey is set), false for none. */
  agent?: string | boolean;
}

export interface AuthPlan {
  methods: Array<PublicKeyAuthMethod | AgentAuthMethod>;
  /** What is offered, for the "authentication failed" message. */
  offered: string[];
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

export async function planAuth(address: string, user: string, creds: Credentials, sshDir: string, env = process.env): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], offered: [] };
  if (creds.privateKey) {
    const file = expandHome(creds.privateKey);
    addKey(plan, user, file, await loadKey(address, file));
  } else {
    for (const name of DEFAULT_KEYS) await addDefaultKey(plan, user, path.join(sshDir, name));
  }
  const socket = agentSocket(creds, env);
  if (socket) {
    plan.methods.push({ type: 'agent', username: user, agent: socket });
    plan.offered.push(`agent ${socket}`);
  }
  if (plan.methods.length === 0) {
    throw new ProviderError(address, `no SSH credentials to log in as ${user}: no privateKey in the node config, no key in ${sshDir}, no SSH_AUTH_SOCK agent`,
      'set privateKey for the node, create ~/.ssh/id_ed25519, or start ssh-agent');
  }
  return plan;
}

function agentSocket(creds: Credentials, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof creds.agent === 'string') return creds.agent;
  if (creds.agent === false || (creds.agent === undefined && creds.privateKey)) return undefined;
  return env.SSH_AUTH_SOCK || undefined;
}

async function loadKey(address: string, file: string): Promise<ParsedKey> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new ProviderError(address, `cannot read private key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const key = parseKey(text);
  if (key instanceof Error) {
    throw new ProviderError(address, `private key ${file} cannot be used: ${key.message}`, 'encrypted keys are not read directly: load them into ssh-agent');
  }
  return key;
}

async function addDefaultKey(plan: AuthPlan, user: string, file: string): Promise<void> {
  const text = await readFile(file).catch(() => undefined);
  if (!text) return;
  const key = parseKey(text);
  if (key instanceof Error) plan.offered.push(`${file} (skipped: ${key.message})`);
  else addKey(plan, user, file, key);
}

function addKey(plan: AuthPlan, user: string, file: string, key: ParsedKey): void {
  plan.methods.push({ type: 'publickey', username: user, key });
  plan.offered.push(`key ${file}`);
}

function parseKey(text: Buffer): ParsedKey | Error {
  const key = utils.parseKey(text);
  if (key instanceof Error) return key;
  return key.isPrivateKey() ? key : new Error('not a private key');
}
