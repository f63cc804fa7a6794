/** How a failed remote command is reported: the command (or its label), exit status and stderr tail. */
import { ProviderError } from '../../planner/resource.js';
import type { ExecOptions, ExecResult, Transport } from '../../planner/transport.js';
import { displayCommand } from './argv.js';

const STDERR_SHOWN = 2_000;

export function commandFailed(address: string, argv: readonly string[], result: ExecResult, label?: string): ProviderError {
  const status = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  const stderr = result.stderr.trim();
  const tail = stderr.length > STDERR_SHOWN ? `…${stderr.slice(-STDERR_SHOWN)}` : stderr;
  const needsPassword = /sudo: (a password is required|a terminal is required)/.test(stderr);
  return new ProviderError(
    address,
    `command ${label ?? displayCommand(argv)} ${status}${tail ? `: ${tail}` : ''}`,
    needsPassword ? 'the login user needs passwordless sudo (NOPASSWD) for omnitron, or connect as root' : undefined,
  );
}

export async function execOrThrow(transport: Transport, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
  const result = await transport.exec(argv, opts);
  if (result.code !== 0) throw commandFailed(transport.address, argv, result, opts?.label);
  return result;
}

/** `0o644` → `0644`, as install(1) and chmod(1) take it. */
export function octalMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`invalid file mode ${mode}`);
  return mode.toString(8).padStart(4, '0');
}
