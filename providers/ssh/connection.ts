/**
 * One SSH connection to one node, held for a run. Commands, SFTP and tunnels are channels multiplexed
 * over it; at most `maxSessions` commands run at once because sshd refuses sessions past its MaxSessions
 * (10 by default, one of them kept for SFTP).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type Client as SshClient, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { ProviderError } from '../../planner/resource.js';
import { displayCommand, shellCommand, withEnv, withSudo } from './argv.js';
import { planAuth, type Credentials } from './auth.js';
import { ChannelLost, retryRefusedSession, runChannel, type RawResult } from './channel.js';
import { connectFailed, connectionLost, hostKeyRejected, type Target } from './connect-errors.js';
import { placeCommands, temporaryPath, upload } from './file-transfer.js';
import { listenLocal, type LocalForward } from './forward.js';
import { decideHostKey, hostKeyAlgorithms, knownHostsName, normalizeFingerprint, parseKnownHosts, type HostKeyDecision, type HostKeyTrust } from './host-keys.js';
import { Limiter } from './limiter.js';
import { streamChannel, withPidReport } from './stream-channel.js';
import { commandFailed, execOrThrow } from './command-failed.js';
import type { ExecOptions, ExecResult, PutOptions, PutSource, StreamExecOptions, StreamResult, Transport } from '../../planner/transport.js';

/** ssh2's words for a connection that is gone. */
const LOST = /^(Not connected|No response from server)$/;

export interface SshNode extends Credentials {
  name: string;
  host: string;
  /** Default 22. */
  port?: number;
  /** Default root; any other user runs commands through `sudo -n`. */
  user?: string;
  /** Pinned host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it; known_hosts is not consulted then. */
  hostKey?: string;
}

export interface ConnectOptions {
  /** Handshake and login must finish within this. */
  timeoutMs: number;
  /** Default `<sshDir>/known_hosts`. */
  knownHostsPath?: string;
  /** Accept a host found neither pinned nor in known_hosts, and report its key (hostKey.status `new`). Never accepts a changed key. */
  trustNewHosts?: boolean;
  signal?: AbortSignal;
  /** Where default keys and known_hosts live; default ~/.ssh. */
  sshDir?: string;
  /** Commands run at once over the connection; default 8. */
  maxSessions?: number;
  keepaliveIntervalMs?: number;
}

export interface AcceptedHostKey {
  type: string;
  fingerprint: string;
  /** `new` when accepted through trustNewHosts: the caller should record the fingerprint. */
  status: 'trusted' | 'new';
  /** Where it was trusted from: `pinned hostKey` or `file:line`. */
  source?: string;
}

export async function connectNode(node: SshNode, opts: ConnectOptions): Promise<NodeConnection> {
  const target = targetOf(node);
  const sshDir = opts.sshDir ?? path.join(os.homedir(), '.ssh');
  const trust = await loadTrust(target, node.hostKey, opts.knownHostsPath ?? path.join(sshDir, 'known_hosts'));
  const auth = await planAuth(target.address, target.user, node, sshDir);
  const verifier = hostVerifier(target, trust, opts.trustNewHosts === true);
  const client = new ssh2.Client();
  const config: ConnectConfig = {
    host: target.host, port: target.port, username: target.user, readyTimeout: opts.timeoutMs,
    hostVerifier: verifier.accept, authHandler: auth.methods, algorithms: { serverHostKey: hostKeyAlgorithms(trust, target.knownName) },
    keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000, keepaliveCountMax: 4,
  };
  try {
    await handshake(client, config, opts.signal);
  } catch (err) {
    if (verifier.rejection()) throw verifier.rejection();
    if (opts.signal?.aborted) throw new ProviderError(target.address, `connecting to node ${target.name} was cancelled`);
    throw connectFailed(target, err, { timeoutMs: opts.timeoutMs, offered: auth.offered });
  }
  return new NodeConnection(client, target, verifier.accepted(), opts.maxSessions ?? 8);
}

/** Decides on the key the server presents, and remembers the decision for the error or the result. */
function hostVerifier(target: Target, trust: HostKeyTrust, trustNewHosts: boolean) {
  let decision: HostKeyDecision | undefined;
  const acceptable = (d: HostKeyDecision) => d.status === 'trusted' || (d.status === 'unknown' && trustNewHosts);
  return {
    accept: (key: Buffer) => acceptable((decision = decideHostKey(key, target.knownName, trust))),
    rejection: () => (decision && decision.status !== 'trusted' && !acceptable(decision) ? hostKeyRejected(target, decision) : undefined),
    accepted: (): AcceptedHostKey => {
      if (!decision) throw new Error(`no host key was checked for node ${target.name} (please report)`);
      const { type, fingerprint } = decision;
      return decision.status === 'trusted' ? { type, fingerprint, status: 'trusted', source: decision.source } : { type, fingerprint, status: 'new' };
    },
  };
}

function targetOf(node: SshNode): Target {
  const port = node.port ?? 22;
  return { address: `node.${node.name}`, name: node.name, user: node.user ?? 'root', host: node.host, port, knownName: knownHostsName(node.host, port) };
}

async function loadTrust(target: Target, pinned: string | undefined, knownHostsPath: string): Promise<HostKeyTrust> {
  const text = await readFile(knownHostsPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw new ProviderError(target.address, `cannot read ${knownHostsPath}: ${err.code ?? err.message}`);
  });
  const knownHosts = { path: knownHostsPath, entries: parseKnownHosts(text) };
  if (pinned !== undefined) {
    const fingerprint = normalizeFingerprint(pinned);
    if (!fingerprint) throw new ProviderError(target.address, `hostKey of node ${target.name} is not a SHA256 fingerprint: expected SHA256: and 43 base64 characters, as ssh-keygen -lf prints`);
    return { kind: 'pinned', fingerprint, knownHosts };
  }
  return { kind: 'known-hosts', ...knownHosts };
}

function handshake(client: SshClient, config: ConnectConfig, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => settle(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (err?: Error) => {
      signal?.removeEventListener('abort', onAbort);
      client.removeListener('ready', onReady).removeListener('error', onError).removeListener('close', onClose);
      // ssh2 can report a second error after the first (e.g. "Connection lost before handshake" after a timeout).
      client.on('error', () => undefined);
      if (err) {
        client.destroy();
        reject(err);
      } else resolve();
    };
    const onReady = () => settle();
    const onError = (err: Error) => settle(err);
    const onClose = () => settle(new Error('connection closed during the handshake'));
    client.once('ready', onReady).once('error', onError).once('close', onClose);
    client.connect(config);
    // Without it Nagle's algorithm holds each small request for an ACK: ~90 ms per command instead of ~4.
    client.setNoDelay(true);
  });
}

export class NodeConnection implements Transport {
  readonly address: string;
  readonly user: string;
  private closed = false;
  private lastError?: string;
  private sftpSession?: Promise<SFTPWrapper>;
  private readonly sessions: Limiter;
  private readonly forwards = new Set<LocalForward>();

  constructor(private readonly client: SshClient, readonly target: Target, readonly hostKey: AcceptedHostKey, maxSessions: number) {
    this.address = target.address;
    this.user = target.user;
    this.sessions = new Limiter(maxSessions);
    client.on('error', (err: Error) => { this.lastError = err.message; });
    client.on('close', () => { this.closed = true; });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const raw = await this.execRaw(argv, opts);
    return { code: raw.code, signal: raw.signal, stdout: raw.stdout.toString('utf8'), stderr: raw.stderr.toString('utf8') };
  }

  execOrThrow(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return execOrThrow(this, argv, opts);
  }

  async put(dest: string, source: PutSource, opts: PutOptions = {}): Promise<void> {
    const uploaded = temporaryPath();
    const { staged, commands } = placeCommands(uploaded, dest, opts);
    try {
      const sftp = await this.sftp();
      await upload(sftp, uploaded, source).catch((err: Error) => {
        throw new ProviderError(this.address, `cannot upload ${dest} to node ${this.target.name}: ${err.message}`);
      });
      for (const argv of commands) await this.execOrThrow(argv);
    } finally {
      await this.exec(['rm', '-f', '--', uploaded, staged]).catch(() => undefined);
    }
  }

  async get(remotePath: string): Promise<Buffer> {
    const argv = ['cat', '--', remotePath];
    const raw = await this.execRaw(argv, {});
    if (raw.code !== 0) throw commandFailed(this.address, argv, { code: raw.code, signal: raw.signal, stdout: '', stderr: raw.stderr.toString('utf8') });
    return raw.stdout;
  }

  /** A raw stream (direct-tcpip channel) to `host:port` as seen from the node; clients that want a host and port take listenLocal. */
  forwardLocal(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.guard('opening a tunnel');
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        if (err) reject(new ProviderError(this.address, `node ${this.target.name} could not open a tunnel to ${host}:${port}: ${err.message}`));
        else resolve(channel);
      });
    });
  }

  /** A 127.0.0.1 port tunnelled to `host:port` as seen from the node; closed with the connection. */
  async listenLocal(host: string, port: number): Promise<LocalForward> {
    const forward = await listenLocal(() => this.forwardLocal(host, port));
    this.forwards.add(forward);
    return { ...forward, close: () => { this.forwards.delete(forward); return forward.close(); } };
  }

  async close(): Promise<void> {
    await Promise.all([...this.forwards].map((f) => f.close()));
    this.forwards.clear();
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }

  /** exec with stdout handed to `opts.onStdout` as it arrives; an abort kills the remote command first. */
  async execStream(argv: readonly string[], opts: StreamExecOptions): Promise<StreamResult> {
    const command = this.commandLine(withPidReport(argv), opts);
    // The kill skips the session limiter: streams may hold every slot, and sshd keeps one session spare.
    const kill = (pid: number) => retryRefusedSession(() => runChannel(this.client, this.commandLine(['kill', '-TERM', String(pid)], { privileged: opts.privileged })));
    const raw = await this.session(opts.label ?? displayCommand(argv), opts.signal,
      () => streamChannel(this.client, command, { stdin: opts.stdin, onStdout: opts.onStdout, signal: opts.signal, kill }));
    return { code: raw.code, signal: raw.signal, stderr: raw.stderr.toString('utf8') };
  }

  private execRaw(argv: readonly string[], opts: ExecOptions): Promise<RawResult> {
    const command = this.commandLine(argv, opts);
    return this.session(opts.label ?? displayCommand(argv), opts.signal, () => runChannel(this.client, command, opts.stdin, opts.signal));
  }

  /** One session channel within the limiter, its failures named for the operator. */
  private session<T>(shown: string, signal: AbortSignal | undefined, open: () => Promise<T>): Promise<T> {
    return this.sessions.run(async () => {
      this.guard(`running ${shown}`);
      try {
        return await retryRefusedSession(open, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof ChannelLost || this.closed || LOST.test((err as Error).message)) throw connectionLost(this.target, `running ${shown}`, this.lastError);
        throw new ProviderError(this.address, `node ${this.target.name} refused a session for ${shown}: ${(err as Error).message}`);
      }
    });
  }

  /** The one string sent: env words, then sudo for a non-root login, quoted once. */
  private commandLine(argv: readonly string[], opts: ExecOptions): string {
    try {
      const words = withEnv(argv, opts.env);
      return shellCommand(opts.privileged === false ? words : withSudo(words, this.user));
    } catch (err) {
      throw new ProviderError(this.address, `cannot run a command on node ${this.target.name}: ${(err as Error).message}`);
    }
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= retryRefusedSession(() => this.openSftp()).catch((err: Error) => {
      this.sftpSession = undefined;
      throw err instanceof ProviderError ? err : new ProviderError(this.address, `node ${this.target.name} refused SFTP: ${err.message}`);
    });
    return this.sftpSession;
  }

  private openSftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.guard('opening SFTP');
      this.client.sftp((err, sftp) => {
        if (err) return reject(err);
        sftp.once('close', () => { this.sftpSession = undefined; });
        resolve(sftp);
      });
    });
  }

  private guard(doing: string): void {
    if (this.closed) throw connectionLost(this.target, doing, this.lastError ?? 'the connection is closed');
  }
}
