/** Why a node could not be reached, in words an operator can act on. Never includes key material. */
import { ProviderError } from '../../planner/resource.js';
import { quoteWord } from './argv.js';
import type { HostKeyDecision } from './host-keys.js';

export interface Target {
  address: string;
  name: string;
  user: string;
  host: string;
  port: number;
  /** How known_hosts names the host: `host` or `[host]:port`. */
  knownName: string;
}

type SshError = Error & { code?: string; level?: string };

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the node',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

function where(t: Target): string {
  return `node ${t.name} (${t.user}@${t.host}:${t.port})`;
}

export function connectFailed(t: Target, err: unknown, context: { timeoutMs: number; offered: string[] }): ProviderError {
  const e = (err instanceof Error ? err : new Error(String(err))) as SshError;
  if (e.level === 'client-timeout') {
    return new ProviderError(t.address, `cannot connect to ${where(t)}: timed out after ${context.timeoutMs} ms`, 'is the node up and the port right?');
  }
  if (e.level === 'client-authentication') {
    return new ProviderError(t.address, `cannot log in to ${where(t)}: authentication failed (offered: ${context.offered.join(', ')})`,
      `add the public key to ~${t.user}/.ssh/authorized_keys on the node, or set privateKey for the node`);
  }
  const cause = (e.code && CAUSES[e.code]) || e.message;
  return new ProviderError(t.address, `cannot connect to ${where(t)}: ${cause}`, e.code === 'ECONNREFUSED' ? 'is sshd running on the node, and the port right?' : undefined);
}

export function hostKeyRejected(t: Target, decision: Exclude<HostKeyDecision, { status: 'trusted' }>): ProviderError {
  if (decision.status === 'unknown') {
    return new ProviderError(
      t.address,
      `host key of ${where(t)} is not known: ${decision.type} ${decision.fingerprint}`,
      `verify the fingerprint out of band, then pin it with hostKey: '${decision.fingerprint}' in the node config, ` +
        `or add this line to ~/.ssh/known_hosts:\n  ${decision.knownHostsLine}\n(or run with trustNewHosts to accept it on first use)`,
    );
  }
  const expected = decision.revoked ? 'it is marked @revoked' : `expected ${decision.expected.join(' or ')}`;
  return new ProviderError(
    t.address,
    `HOST KEY CHANGED for ${where(t)}! ${expected} (${decision.source}), got ${decision.type} ${decision.fingerprint}. ` +
      'Someone could be intercepting the connection (man-in-the-middle), or the node was reinstalled. Refusing to connect.',
    `if the node was reinstalled, verify the new fingerprint out of band, then update hostKey or run: ssh-keygen -R ${quoteWord(t.knownName)}`,
  );
}

export function connectionLost(t: Target, doing: string, cause?: string): ProviderError {
  return new ProviderError(t.address, `connection to ${where(t)} lost while ${doing}${cause ? `: ${cause}` : ''}`);
}
