/**
 * How providers reach a host: run an argv, put a file, get a file. Implemented over SSH
 * (NodeConnection), locally (LocalTransport) and by a recording fake for provider unit tests; the
 * planner only names it, so it lives here, beneath every implementation.
 */
export interface ExecOptions {
  stdin?: string | Buffer;
  /** Passed as `env K=V … argv` words, never pasted into a shell string. */
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /**
   * SSH only: run as root (through `sudo -n` for a non-root login), the default; false runs as the
   * login user. The local transport always runs as the current user.
   */
  privileged?: boolean;
  /** Shown in errors instead of the command, for arguments that must not be shown. */
  label?: string;
}

export interface ExecResult {
  /** Exit status; -1 when the command was killed by a signal. */
  code: number;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface PutOptions {
  /** Permission bits of the written file; default 0o644. */
  mode?: number;
  owner?: string;
  group?: string;
}

export interface StreamExecOptions extends ExecOptions {
  /** Receives stdout as it arrives, in order. */
  onStdout: (chunk: Buffer) => void;
}

/** How a streamed command ended; its stdout went to onStdout. */
export interface StreamResult {
  code: number;
  signal?: string;
  stderr: string;
}

/** File content (string or bytes), or a local file to copy. */
export type PutSource = string | Buffer | { localPath: string };

export interface Transport {
  /** Address errors name: `node.<name>` or `local`. */
  readonly address: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** exec, throwing a ProviderError naming the command, exit status and stderr when it fails. */
  execOrThrow(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * exec for long-running output (`logs --follow`): stdout is delivered as it arrives. Aborting
   * stops the command itself (SIGTERM; over SSH too) before rejecting with the signal's reason.
   * Absent on transports that cannot stream.
   */
  execStream?(argv: readonly string[], opts: StreamExecOptions): Promise<StreamResult>;
  /** Writes the file atomically (a temporary beside it, then rename), creating parent directories. */
  put(path: string, source: PutSource, opts?: PutOptions): Promise<void>;
  get(path: string): Promise<Buffer>;
}
