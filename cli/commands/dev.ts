/**
 * `omnitron dev`: the seed's dev mode on a local stack. Applies the stack with the apps' `dev` settings,
 * then watches each app's `watch` directory and restarts exactly the app whose files changed, through
 * the local agent, while streaming every app's log with `[app] ` in front. Ctrl-C stops watching and
 * leaves the stack running, or with `--down` destroys it (data volumes kept).
 */
import { UserError } from '../../planner/diagnostics.js';
import type { AppSpec } from '../../planner/config/model.js';
import { agentAppName } from '../../contract/agent/app-name.js';
import type { AgentEndpoint } from '../agent-endpoint.js';
import type { Output } from '../output.js';
import { openSession, openStore, type LockFlags, type StackOptions } from '../session.js';
import { withAgents } from '../stack-agents.js';
import { watchApp, type AppWatcher } from '../dev/app-watch.js';
import { applyCommand } from './apply.js';

/** Each app's last lines when streaming starts: how its start went during the apply. */
const START_LINES = 5;

export interface DevFlags extends StackOptions, LockFlags {
  down?: boolean;
  parallelism?: number;
}

export async function devCommand(flags: DevFlags, out: Output): Promise<number> {
  const devFlags = { ...flags, dev: true };
  const checked = await openSession(devFlags, out);
  const { model, scope } = checked.stack;
  await checked.backend.close();
  if (model.stack.type !== 'local') {
    throw new UserError({ severity: 'error', summary: `omnitron dev runs a local stack, and "${scope.stack}" is ${model.stack.type}`, detail: 'Pick a local stack with --stack; deploy other stacks with `omnitron apply`.' });
  }
  const applied = await applyCommand(undefined, { ...devFlags, autoApprove: true }, out);
  if (applied !== 0) return applied;

  const watched = model.apps.filter((a) => a.watch);
  // Warnings were shown once already, before the apply.
  const session = await openSession(devFlags, { ...out, diagnostics: () => {} });
  let code: number;
  try {
    const store = await openStore(session);
    code = await withAgents(session, store.records(), async ({ endpoints, signal }) => {
      const local = endpoints[0];
      const logs = model.apps.map((app) => streamLog(local, app, out, signal));
      const watchers = watched.map((app) => watchAndRestart(local, app, out, signal));
      // Only now: Ctrl-C is handled from here on.
      out.print(watched.length
        ? `\n[dev] watching ${watched.map((a) => `${a.name} (${a.watch!.directory})`).join(', ')}; Ctrl-C stops watching`
        : '\n[dev] no app sets `watch`, so nothing restarts on edits; streaming logs, Ctrl-C stops');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      for (const w of watchers) w.close();
      await Promise.allSettled(logs);
      return 0;
    });
  } finally {
    await session.backend.close();
  }
  if (!flags.down) {
    out.print(`\n[dev] stopped watching; the stack keeps running (\`omnitron destroy --stack ${scope.stack}\` stops it)`);
    return code;
  }
  out.print('\n[dev] --down: destroying the stack (data volumes are kept)');
  return applyCommand(undefined, { ...devFlags, autoApprove: true }, out, 'destroy');
}

function streamLog(agent: AgentEndpoint, app: AppSpec, out: Output, signal: AbortSignal): Promise<void> {
  return agent.logs(agentAppName(app.name), { lines: START_LINES, follow: true }, (line) => out.print(`[${app.name}] ${line}`), signal)
    .catch((err: unknown) => { if (!signal.aborted) out.warn(`[dev] ${app.name}: its log broke off: ${(err as Error).message}`); });
}

/** One restart at a time per app; changes during a restart lead to one more restart after it. */
function watchAndRestart(agent: AgentEndpoint, app: AppSpec, out: Output, signal: AbortSignal): AppWatcher {
  let running: Promise<void> | undefined;
  let again = false;
  const restart = async (): Promise<void> => {
    do {
      again = false;
      try {
        const status = await agent.restart!(agentAppName(app.name), signal);
        const pids = status.processes.map((p) => p.pid).filter((p) => p !== undefined);
        out.print(`[dev] ${app.name} restarted${pids.length ? ` (pid ${pids.join(', ')})` : ''}`);
      } catch (err) {
        if (signal.aborted) return;
        out.warn(`[dev] ${app.name}: restart failed: ${(err as Error).message}`);
      }
    } while (again && !signal.aborted);
  };
  return watchApp(app.watch!, (files) => {
    out.print(`[dev] ${app.name}: ${describeFiles(files)} changed, restarting`);
    if (running) { again = true; return; }
    running = restart().finally(() => { running = undefined; });
  }, (err) => out.warn(`[dev] ${app.name}: cannot watch ${app.watch!.directory}: ${err.message}`));
}

function describeFiles(files: string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}
