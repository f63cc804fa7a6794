/**
 * A new release of an app that is running replaces it step by step: stop a step's processes of the
 * previous release, start the new ones, wait for their first readiness (startupTimeout), go on. Copies
 * of one process (`instances: N`) go one at a time, so the others keep serving; any other app is one
 * step. A step that is not ready is undone at once, and the steps before it one by one in reverse, so the
 * app goes back to the release it ran without going down.
 */
import type { AppRunner } from './app-runner.js';
import type { AppSpec } from './types.js';

export type RolloutOutcome = { ok: true } | { ok: false; reason: string };

/** Process indexes per step. */
export function rolloutSteps(spec: AppSpec): number[][] {
  const all = spec.processes.map((_, i) => i);
  return (spec.instances ?? 1) > 1 ? all.map((i) => [i]) : [all];
}

/** The previous release can hand over process by process: same process names, in the same order. */
export function canRollOut(previous: AppSpec, next: AppSpec): boolean {
  return previous.processes.length === next.processes.length && previous.processes.every((p, i) => p.name === next.processes[i].name);
}

export async function rollOut(previous: AppRunner, next: AppRunner): Promise<RolloutOutcome> {
  const done: number[][] = [];
  for (const step of rolloutSteps(next.spec)) {
    await previous.handOff(step);
    const reason = await next.launchGated(step);
    if (reason !== undefined) {
      await previous.takeBack(step);
      for (const back of done.reverse()) {
        await next.handOff(back);
        await previous.takeBack(back);
      }
      await next.stop({ quiet: true });
      return { ok: false, reason: `${step.map((i) => next.spec.processes[i].name).join(', ')}: ${reason}` };
    }
    done.push(step);
  }
  next.endRollout();
  return { ok: true };
}
