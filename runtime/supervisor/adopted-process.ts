/**
 * A process an earlier agent started and left running when it handed over (or died): not our child,
 * so there is no wait() and no exit status. It is watched through /proc instead, identified by pid
 * plus its kernel start time so a recycled pid is never mistaken for it, and it behaves like a
 * ChildProcess where the supervisor needs one (pid, exit event, exited state).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';

const POLL_MS = 100;

export class AdoptedProcess extends EventEmitter {
  readonly exitCode: number | null = null;
  readonly signalCode: NodeJS.Signals | null = null;
  gone = false;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pid: number, readonly startTime: string) {
    super();
    this.#timer = setInterval(() => this.#check(), POLL_MS);
    this.#timer.unref();
  }

  /** Stops watching without touching the process (the agent is handing it over again). */
  release(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    if (processStartTime(this.pid) === this.startTime) return;
    this.gone = true;
    clearInterval(this.#timer);
    this.emit('exit', null, null);
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); undefined once the process is gone or a zombie. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
}
