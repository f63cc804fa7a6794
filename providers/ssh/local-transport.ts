/** The Transport on this machine: argv straight to spawn (no shell), files written atomically. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from '../../planner/resource.js';
import { execOrThrow } from './command-failed.js';
import type { ExecOptions, ExecResult, PutOptions, PutSource, StreamExecOptions, StreamResult, Transport } from '../../planner/transport.js';

export class LocalTransport implements Transport {
  constructor(readonly address = 'local', private readonly cwd?: string) {}

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new Error('empty command'));
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { cwd: this.cwd, env: { ...process.env, ...opts.env }, signal: opts.signal, stdio: 'pipe' });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => undefined);
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (opts.signal?.aborted) return reject(opts.signal.reason);
        // Same outcome as a shell on a remote node, so callers handle one case.
        if (err.code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: `${argv[0]}: command not found` });
        else reject(new ProviderError(this.address, `cannot run ${argv[0]}: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        resolve({ code: code ?? -1, signal: signal ?? undefined, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
      });
      child.stdin.end(opts.stdin);
    });
  }

  /** exec with stdout handed to `opts.onStdout` as it arrives; an abort sends the command SIGTERM. */
  execStream(argv: readonly string[], opts: StreamExecOptions): Promise<StreamResult> {
    if (argv.length === 0) return Promise.reject(new Error('empty command'));
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { cwd: this.cwd, env: { ...process.env, ...opts.env }, signal: opts.signal, stdio: 'pipe' });
      const stderr: Buffer[] = [];
      child.stdout.on('data', opts.onStdout);
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => undefined);
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (opts.signal?.aborted) return; // 'close' follows once the command is gone
        if (err.code === 'ENOENT') resolve({ code: 127, stderr: `${argv[0]}: command not found` });
        else reject(new ProviderError(this.address, `cannot run ${argv[0]}: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        if (opts.signal?.aborted) reject(opts.signal.reason);
        else resolve({ code: code ?? -1, signal: signal ?? undefined, stderr: Buffer.concat(stderr).toString('utf8') });
      });
      child.stdin.end(opts.stdin);
    });
  }

  execOrThrow(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return execOrThrow(this, argv, opts);
  }

  async put(file: string, source: PutSource, opts: PutOptions = {}): Promise<void> {
    const target = this.resolve(file);
    const staged = path.join(path.dirname(target), `.${path.basename(target)}.omnitron-${randomBytes(4).toString('hex')}`);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      if (typeof source === 'object' && !Buffer.isBuffer(source)) await copyFile(source.localPath, staged);
      else await writeFile(staged, source);
      await chmod(staged, opts.mode ?? 0o644);
      if (opts.owner || opts.group) await this.execOrThrow(['chown', `${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`, '--', staged]);
      await rename(staged, target);
    } finally {
      await rm(staged, { force: true });
    }
  }

  get(file: string): Promise<Buffer> {
    return readFile(this.resolve(file));
  }

  private resolve(file: string): string {
    return this.cwd ? path.resolve(this.cwd, file) : path.resolve(file);
  }
}
