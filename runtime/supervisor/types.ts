export interface BackoffSpec { type: 'exponential' | 'linear' | 'fixed'; initial: number; max: number; factor: number }
export interface RestartSpec { strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one'; maxRestarts: number; window: number; backoff: BackoffSpec }
export interface HealthSpec { type: 'http' | 'tcp' | 'command'; target: string /* http: URL or :port/path; tcp: port or host:port; command: shell command */; interval: number; timeout: number; failureThreshold: number /* consecutive failures that restart */ }
export interface LogSpec { dir: string; maxSize: number /* bytes */; maxFiles: number; compress: boolean }
export interface ProcessSpec {
  name: string; argv: string[] /* argv[0] is the executable */; ipc: boolean /* fork-style IPC channel for {type:'ready'} */;
  /** Variables of this process alone, over the app's (an instance's PORT). */
  env?: Record<string, string>;
  /** This process's own health check (null: none); absent: the app's check gates it. */
  health?: HealthSpec | null;
  /** ms; absent: the app's startupTimeout. */
  startupTimeout?: number;
  /** false: past its own restart budget the process stays down and the app keeps running without it. Default true. */
  critical?: boolean;
}
export interface AppSpec {
  name: string; processes: ProcessSpec[]; cwd: string; env: Record<string, string>;
  dependsOn: string[]; critical: boolean; startupTimeout: number /* ms, default 30000 */;
  health?: HealthSpec; shutdown: { priority: number; timeout: number }; restart: RestartSpec; logs: LogSpec;
  /** The processes are N copies of one (`instances: N`): a new release replaces them one at a time. */
  instances?: number;
}
export type SupervisorEvent =
  | { type: 'starting'; app: string; process: string; attempt: number }
  | { type: 'ready'; app: string; process: string; via: 'ipc' | 'health' | 'alive'; ms: number }
  | { type: 'adopted'; app: string; process: string; pid: number }   // left running by an earlier agent, supervised again
  | { type: 'exit'; app: string; process: string; code: number | null; signal: string | null }
  | { type: 'start-failed'; app: string; process: string; reason: string }
  | { type: 'restart-scheduled'; app: string; process: string; delayMs: number; attempt: number }
  | { type: 'health-failed'; app: string; process?: string; consecutive: number; reason: string }
  | { type: 'process-failed'; app: string; process: string; reason: string } // a non-critical process gave up; the app runs on
  | { type: 'failed'; app: string; reason: string }        // restart budget exhausted
  | { type: 'blocked'; app: string; by: string }
  | { type: 'stopped'; app: string }
  | { type: 'rolled-back'; app: string; reason: string }  // a new release was not ready: the previous one runs again
  | { type: 'critical'; app: string; reason: string }      // a critical app failed for good: the agent must exit non-zero
  | { type: 'metrics'; app: string; process: string; cpu: number; rss: number };

/** Default startup timeout when a caller builds an AppSpec without one. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;

export interface SupervisorOptions {
  apps: AppSpec[];
  /**
   * Output through named pipes under `pipeDir`, and processes stamped with `owner`: what lets a later
   * supervisor with the same owner adopt them (see Supervisor.detach and start's `adopt`).
   */
  handover?: { pipeDir: string; owner: string };
  metricsInterval?: number;
  now?: () => number;
  onEvent?: (e: SupervisorEvent) => void;
}
