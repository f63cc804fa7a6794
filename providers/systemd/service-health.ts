/**
 * A bare-metal service's `healthCheck`, run on its node after systemd reports it active: dependents
 * start only once it answers. Like Docker's: failures in the first `startPeriod` do not count, after
 * that `retries` failures in a row fail the apply, one try every `interval`, each cut off at `timeout`
 * (and all of it within the service's startup timeout). Checks run through the probe, as the service's
 * user or nobody, never as root. tcp and http checks need only bash on the node (no curl, no nc);
 * https needs curl.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { ProviderError, type ProviderContext } from '../../planner/resource.js';
import type { Transport } from '../../planner/transport.js';
import { shellCommand } from '../ssh/argv.js';
import type { CommandFact } from './facts.js';
import { checkRequest, runCheck } from './version-check.js';

const ms = z.number().int().nonnegative();
export const healthSchema = z.object({
  type: z.enum(['command', 'tcp', 'http']),
  /** command: a shell command; tcp: `host:port`; http: a URL. */
  target: z.string().min(1),
  user: z.string().min(1).optional(),
  interval: ms, timeout: ms, retries: z.number().int().nonnegative(), startPeriod: ms,
});
export type ServiceHealth = z.infer<typeof healthSchema>;

const TCP_SCRIPT = 'exec 3<>"/dev/tcp/$1/$2"';
// A status line of 2xx or 3xx passes; anything else is printed as the answer.
const HTTP_SCRIPT = [
  'exec 3<>"/dev/tcp/$1/$2"',
  'printf \'GET %s HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n\' "$3" "$1" >&3',
  'IFS=" " read -r proto code rest <&3',
  'case $code in 2??|3??) exit 0 ;; esac',
  'printf \'%s %s %s\\n\' "$proto" "$code" "$rest" >&2; exit 1',
].join('\n');

/** The shell command one try runs, every value quoted as a word. */
export function healthCommand(h: Pick<ServiceHealth, 'type' | 'target' | 'timeout'>): string {
  const seconds = String(Math.max(1, Math.ceil(h.timeout / 1000)));
  if (h.type === 'command') return shellCommand(['timeout', seconds, 'sh', '-c', h.target]);
  if (h.type === 'tcp') {
    const { host, port } = splitHostPort(h.target);
    return shellCommand(['timeout', seconds, 'bash', '-c', TCP_SCRIPT, 'tcp-check', host, port]);
  }
  const url = new URL(h.target);
  if (url.protocol === 'https:') return shellCommand(['curl', '-fsS', '-o', '/dev/null', '--max-time', seconds, '--', h.target]);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return shellCommand(['timeout', seconds, 'bash', '-c', HTTP_SCRIPT, 'http-check', host, url.port || '80', `${url.pathname}${url.search}`]);
}

function splitHostPort(target: string): { host: string; port: string } {
  const colon = target.lastIndexOf(':');
  return { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: target.slice(colon + 1) };
}

export function describeHealth(h: Pick<ServiceHealth, 'type' | 'target'>): string {
  return h.type === 'command' ? `\`${h.target}\`` : `${h.type} ${h.target}`;
}

function describeAnswer(fact: CommandFact): string {
  if (fact.code === 124) return 'timed out';
  const said = (fact.stderr.trim() || fact.stdout.trim()).split('\n').slice(-3).join(' / ').slice(0, 300);
  return `exit ${fact.code}${said ? `: ${said}` : ''}`;
}

export interface HealthWait { address: string; node: string; service: string; deadline: number }

/** Until the check passes; a ProviderError naming the check and its last answer when it will not. */
export async function waitHealthy(ctx: ProviderContext, t: Transport, h: ServiceHealth, w: HealthWait): Promise<void> {
  const request = checkRequest(healthCommand(h), h.user);
  const counting = Date.now() + h.startPeriod;
  let failures = 0;
  for (;;) {
    const fact = await runCheck(t, request);
    if (fact.code === 0) return;
    if (Date.now() >= counting) failures += 1;
    const gaveUp = failures > h.retries ? `failed ${failures} times in a row` : Date.now() + h.interval > w.deadline ? 'did not pass within its startup timeout' : undefined;
    if (gaveUp) {
      throw new ProviderError(w.address, `on node ${w.node}: ${w.service} is active but its health check ${describeHealth(h)} ${gaveUp}; last answer: ${describeAnswer(fact)}`,
        `check the service's logs on node ${w.node} (journalctl -u ${w.service}) and its healthCheck`);
    }
    await sleep(Math.max(100, h.interval), undefined, { signal: ctx.signal });
  }
}
