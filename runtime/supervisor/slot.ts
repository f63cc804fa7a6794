import type { ChildProcess } from 'node:child_process';
import type net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { RotatingLog } from './log-writer.js';
import { exited, type Child } from './process-group.js';
import type { CpuSample } from './proc-metrics.js';
import type { HealthMonitor } from './health-monitor.js';
import type { RestartWindow } from './restart-window.js';
import type { AppSpec, ProcessSpec } from './types.js';
import type { AppState, ProcessStatus } from '../../contract/agent/status.js';

/** One declared process of an app, across all of its restarts. */
export interface Slot {
  readonly spec: ProcessSpec;
  readonly index: number;
  readonly log: RotatingLog;
  state: AppState;
  child?: Child;
  /** The FIFO reader feeding `log`, when output goes through named pipes. */
  reader?: net.Socket;
  spawnedAt?: number;
  starts: number;
  /** A restart handler owns this slot until it launches it again. */
  claimed: boolean;
  lastExit?: ProcessStatus['lastExit'];
  cpu?: number;
  rss?: number;
  cpuSample?: CpuSample;
  /** The process's own health check, when it has one. */
  health?: HealthMonitor;
  /** The restart budget of a non-critical process (critical ones share the app's). */
  budget?: RestartWindow;
  /** A non-critical process past its budget: down until the app starts again. */
  gaveUp?: boolean;
}

export function logPath(app: AppSpec, processName: string): string {
  return path.join(app.logs.dir, safeSegment(app.name), `${safeSegment(processName)}.log`);
}

export function pipePath(pipeDir: string, app: string, processName: string): string {
  return path.join(pipeDir, safeSegment(app), `${safeSegment(processName)}.out`);
}

// Names come from config; never let one climb out of the log directory.
function safeSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '.' || cleaned === '..' || cleaned === '' ? '_' : cleaned;
}

/** `log`: the same process's log of the release before, so one writer keeps the file while both run. */
export function newSlot(app: AppSpec, spec: ProcessSpec, index: number, log?: RotatingLog): Slot {
  return { spec, index, log: log ?? new RotatingLog(logPath(app, spec.name), app.logs), state: 'pending', starts: 0, claimed: false };
}

export function livePid(slot: Slot): number | undefined {
  return slot.child && !exited(slot.child) ? slot.child.pid : undefined;
}

export function slotStatus(slot: Slot): ProcessStatus {
  const pid = livePid(slot);
  return {
    name: slot.spec.name,
    state: slot.state,
    restarts: Math.max(0, slot.starts - 1),
    ...(pid !== undefined ? { pid, startedAt: slot.spawnedAt, cpu: slot.cpu, rss: slot.rss } : {}),
    ...(slot.lastExit ? { lastExit: slot.lastExit } : {}),
  };
}

/**
 * Once the child has exited, until the last of its piped output has been read (its stdio closed), or
 * `ms`: an exit can come before the pipes are drained, and a stop that flushed the log then would
 * lose the child's last lines. Children writing to an output FIFO have no pipes: nothing to wait for.
 */
export function outputRead(child: Child | undefined, ms: number): Promise<void> {
  const pipes = child && 'stdout' in child ? [child.stdout, child.stderr].filter((s): s is NonNullable<typeof s> => !!s && !s.destroyed && !s.readableEnded) : [];
  if (pipes.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    let open = pipes.length;
    for (const pipe of pipes) pipe.once('close', () => { if (--open === 0) { clearTimeout(timer); resolve(); } });
  });
}

/** Child output goes to the slot's log; a full buffer pauses the pipe, so a noisy child waits on the disk. */
export function pipeOutput(child: ChildProcess, log: RotatingLog): void {
  for (const stream of [child.stdout, child.stderr]) if (stream) pipeStream(stream, log);
}

export function pipeStream(stream: Readable, log: RotatingLog): void {
  stream.on('data', (chunk: Buffer) => {
    if (log.write(chunk)) return;
    stream.pause();
    void log.drained().then(() => stream.resume());
  });
  stream.on('error', () => undefined);
}
