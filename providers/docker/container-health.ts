/**
 * Waiting for a started container to become healthy: poll inspect, report progress every few seconds,
 * fail fast when it exits or restarts, and fail with its last health output and logs when it never does.
 */
import type Docker from 'dockerode';
import { ProviderError, type ProviderContext } from '../../planner/resource.js';
import type { InspectedContainer } from './container-attributes.js';
import { redactor, tailLogs } from './container-logs.js';

export const DEFAULT_STARTUP_TIMEOUT_S = 120;
const POLL_MS = 1000;
const PROGRESS_EVERY_MS = 5000;

export interface HealthWait {
  address: string;
  name: string;
  env: Record<string, string>;
  /** Seconds. */
  timeout: number;
  /** Whether the container has a health check; without one, "running" is enough. */
  healthcheck: boolean;
  /** Restart count before start (0 for a new container); unknown for a restart, then the first one seen counts. */
  restartsBefore?: number;
}

export async function waitUntilReady(ctx: ProviderContext, container: Docker.Container, wait: HealthWait): Promise<void> {
  const started = Date.now();
  let lastProgress = started;
  let restarts = wait.restartsBefore;
  for (;;) {
    const info = (await container.inspect()) as unknown as InspectedContainer;
    restarts ??= info.RestartCount ?? 0;
    const failure = failureOf(info, restarts);
    if (failure) {
      const code = failure.exitCode ?? await lastExitCode(ctx.clients.docker(), container.id, started);
      throw await notReady(container, wait, info, `exited with code ${code ?? '?'}${failure.restarting ? ' and is restarting' : ''}`);
    }
    if (!wait.healthcheck || info.State.Health?.Status === 'healthy') return;
    const elapsed = Date.now() - started;
    if (elapsed >= wait.timeout * 1000) throw await notReady(container, wait, info, `did not become healthy within ${wait.timeout}s`);
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      ctx.emit({ kind: 'progress', address: wait.address, message: `waiting for health (${Math.round(elapsed / 1000)}s)` });
    }
    await sleep(POLL_MS, ctx.signal);
  }
}

export interface ContainerFailure {
  restarting: boolean;
  /** Unknown when the restart policy already brought it back: a running container reports code 0. */
  exitCode?: number;
}

/** Why the container cannot become ready any more, or undefined while it still might. */
export function failureOf(info: InspectedContainer, initialRestarts: number): ContainerFailure | undefined {
  const { State } = info;
  if (State.Status === 'exited' || State.Status === 'dead') return { restarting: false, exitCode: State.ExitCode };
  if (State.Status === 'restarting') return { restarting: true, exitCode: State.ExitCode };
  if ((info.RestartCount ?? 0) > initialRestarts) return { restarting: true };
  return undefined;
}

/** The exit code of the container's latest death since `sinceMs`, from the engine's event log. */
export async function lastExitCode(docker: Docker, id: string, sinceMs: number): Promise<number | undefined> {
  const stream = await docker.getEvents({
    since: Math.floor(sinceMs / 1000) - 1,
    until: Math.ceil(Date.now() / 1000),
    filters: { container: [id], event: ['die'] },
  });
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  const codes = text.split('\n').filter((line) => line.trim())
    .map((line) => Number((JSON.parse(line) as { Actor?: { Attributes?: { exitCode?: string } } }).Actor?.Attributes?.exitCode))
    .filter((code) => Number.isInteger(code));
  return codes.at(-1);
}

async function notReady(container: Docker.Container, wait: HealthWait, info: InspectedContainer, why: string): Promise<ProviderError> {
  const redact = redactor(wait.env);
  const health = info.State.Health?.Log?.at(-1)?.Output?.trim();
  const logs = await tailLogs(container);
  const lines = [`container ${wait.name} ${why}`];
  if (health) lines.push(`last health check: ${redact(health)}`);
  lines.push(logs.length ? `last log lines:\n${logs.map((l) => `  ${redact(l)}`).join('\n')}` : 'no log output');
  return new ProviderError(wait.address, lines.join('\n'), `see \`docker logs ${wait.name}\``);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
