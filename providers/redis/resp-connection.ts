/**
 * One short-lived connection to a Redis server for a handful of commands: connect, AUTH, SELECT, the
 * commands in order, close. No retries, no reconnects, no offline queue. A plan reads every Redis server
 * of a stack this way; ioredis, kept for the discovery registry (scripts, long-lived clients), took ~40 ms
 * of CPU to load and set up, a tenth of a no-op plan, where this takes ~2 ms.
 */
import { connect, type Socket } from 'node:net';
import { encodeCommand, RedisReplyError, ReplyReader, type Reply } from './resp.js';

export interface RespTarget { host: string; port: number; password?: string; db: number; connectTimeoutMs: number; commandTimeoutMs: number }

export interface RespConnection {
  /** The replies of `commands`, sent at once, in order. An error reply rejects with it. */
  send(commands: ReadonlyArray<readonly string[]>): Promise<Reply[]>;
  close(): void;
}

/**
 * Settles once the server has answered: taken the password, selected the DB, or (with neither to send)
 * a PING, so an unreachable server behind a tunnel fails here and not in the caller's first command.
 */
export async function openRespConnection(target: RespTarget): Promise<RespConnection> {
  const replies = new ReplyQueue(await connectSocket(target));
  const connection: RespConnection = {
    send: async (commands) => replies.send(commands.map(encodeCommand), target.commandTimeoutMs),
    close: () => replies.fail(new Error('Connection is closed.')),
  };
  try {
    if (target.password) await authenticate(connection, target.password);
    if (target.db !== 0) await connection.send([['select', String(target.db)]]);
    if (!target.password && target.db === 0) await connection.send([['ping']]);
    return connection;
  } catch (err) {
    connection.close();
    throw err;
  }
}

interface Waiting { resolve: (reply: Reply) => void; reject: (err: Error) => void }

/** Replies handed out in the order their commands went out; any failure ends the connection for all. */
class ReplyQueue {
  private readonly reader = new ReplyReader();
  private readonly waiting: Waiting[] = [];
  private broken: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('Connection is closed.')));
  }

  send(wire: Buffer[], timeoutMs: number): Promise<Reply[]> {
    if (this.broken) return Promise.reject(this.broken);
    const replies = wire.map(() => new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject })));
    this.socket.write(Buffer.concat(wire));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`Command timed out after ${timeoutMs} ms`);
        this.fail(err);
        reject(err);
      }, timeoutMs);
    });
    // Every reply is read before a failure is reported: the connection stays in step with what was sent.
    const all = Promise.allSettled(replies).then((settled) => settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      if (s.value instanceof RedisReplyError) throw s.value;
      return s.value;
    }));
    return Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  }

  fail(err: Error): void {
    this.broken ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.broken);
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let replies: Reply[];
    try {
      replies = this.reader.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    for (const reply of replies) {
      const waiting = this.waiting.shift();
      // A reply nobody asked for is the server turning us away as we connect (max clients, protected mode).
      if (waiting === undefined) return this.fail(reply instanceof RedisReplyError ? reply : new Error('Redis sent a reply to no command'));
      waiting.resolve(reply);
    }
  }
}

/**
 * As ioredis does, a password given for a server that has none is not an error. A refusal is passed on
 * without what the server may quote back of the command (a server that does not know AUTH names its
 * first arguments: the password).
 */
async function authenticate(connection: RespConnection, password: string): Promise<void> {
  try {
    await connection.send([['auth', password]]);
  } catch (err) {
    if (!(err instanceof RedisReplyError)) throw err;
    if (/without any password configured|no password is set/i.test(err.message)) return;
    throw new RedisReplyError(err.message.replace(/,? with args beginning with:.*$/s, '').replaceAll(password, '***'));
  }
}

function connectSocket(target: RespTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${target.host}:${target.port}`), { code: 'ETIMEDOUT' }));
    }, target.connectTimeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
