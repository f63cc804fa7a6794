/**
 * A Transport for provider unit tests: records every call, answers commands from scripted responses
 * (first match wins, default exit 0 with no output) and keeps put files in memory for get.
 */
import { ProviderError } from '../../planner/resource.js';
import { displayCommand } from './argv.js';
import { execOrThrow } from './command-failed.js';
import type { ExecOptions, ExecResult, PutOptions, PutSource, Transport } from '../../planner/transport.js';

export type RecordedCall =
  | { kind: 'exec'; argv: string[]; stdin?: string; env?: Record<string, string>; privileged: boolean }
  | { kind: 'put'; path: string; content: string; mode?: number; owner?: string; group?: string }
  | { kind: 'get'; path: string };

type Matcher = readonly string[] | ((argv: readonly string[]) => boolean);

export class RecordingTransport implements Transport {
  readonly calls: RecordedCall[] = [];
  readonly files = new Map<string, Buffer>();
  private readonly responses: Array<{ matches: (argv: readonly string[]) => boolean; result: Partial<ExecResult> }> = [];

  constructor(readonly address = 'node.test') {}

  /** Answers commands starting with `prefix` (or satisfying the predicate) with `result`. */
  respond(match: Matcher, result: Partial<ExecResult>): this {
    const matches = typeof match === 'function' ? match : (argv: readonly string[]) => match.every((word, i) => argv[i] === word);
    this.responses.push({ matches, result });
    return this;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const stdin = opts.stdin === undefined ? undefined : opts.stdin.toString();
    this.calls.push({ kind: 'exec', argv: [...argv], stdin, env: opts.env ? { ...opts.env } : undefined, privileged: opts.privileged !== false });
    const scripted = this.responses.find((r) => r.matches(argv))?.result ?? {};
    return { code: 0, stdout: '', stderr: '', ...scripted };
  }

  execOrThrow(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return execOrThrow(this, argv, opts);
  }

  async put(path: string, source: PutSource, opts: PutOptions = {}): Promise<void> {
    if (typeof source === 'object' && !Buffer.isBuffer(source)) throw new Error('RecordingTransport.put takes content, not a local file');
    const content = Buffer.from(source);
    this.files.set(path, content);
    this.calls.push({ kind: 'put', path, content: content.toString('utf8'), ...opts });
  }

  async get(path: string): Promise<Buffer> {
    this.calls.push({ kind: 'get', path });
    const content = this.files.get(path);
    if (!content) throw new ProviderError(this.address, `command cat -- ${path} exited with 1: cat: ${path}: No such file or directory`);
    return content;
  }

  /** The commands run, as displayed in messages, for compact assertions. */
  commands(): string[] {
    return this.calls.flatMap((c) => (c.kind === 'exec' ? [displayCommand(c.argv)] : []));
  }
}
