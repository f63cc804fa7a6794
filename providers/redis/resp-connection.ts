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

interface Waiting { resolve: (reply: Reply) => void; reject: (err: Error) => void }

/** Settles once the server has taken the password and selected the DB. */
export async function openRespConnection(target: RespTarget): Promise<RespConnection> {
  const socket = await connected(target);
  const reader = new ReplyReader();
  const waiting: Waiting[] = [];
  let broken: Error | undefined;
  const fail = (err: Error) => {
    broken ??= err;
    for (const w of waiting.splice(0)) w.reject(broken);
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    let replies: Reply[];
    try {
      replies = reader.push(chunk);
    } catch (err) {
      fail(err as Error);
      return;
    }
    for (const reply of replies) waiting.shift()?.resolve(reply);
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('Connection is closed.')));

  const send = (commands: ReadonlyArray<readonly string[]>): Promise<Reply[]> => {
    if (broken) return Promise.reject(broken);
    const replies = commands.map(() => new Promise<Reply>((resolve, reject) => waiting.push({ resolve, reject })));
    socket.write(Buffer.concat(commands.map(encodeCommand)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`Command timed out after ${target.commandTimeoutMs} ms`);
        fail(err);
        reject(err);
      }, target.commandTimeoutMs);
    });
    // Every reply is read before a failure is reported: the connection stays in step with what was sent.
    const all = Promise.allSettled(replies).then((settled) => settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      if (s.value instanceof RedisReplyError) throw s.value;
      return s.value;
    }));
    return Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  };

  const connection: RespConnection = { send, close: () => socket.destroy() };
  try {
    if (target.password) await authenticate(connection, target.password);
    if (target.db !== 0) await send([['select', String(target.db)]]);
    return connection;
  } catch (err) {
    connection.close();
    throw err;
  }
}

/** As ioredis does: a password given for a server that has none is not an error. */
async function authenticate(connection: RespConnection, password: string): Promise<void> {
  try {
    await connection.send([['auth', password]]);
  } catch (err) {
    if (!(err instanceof RedisReplyError && /without any password configured|no password is set/i.test(err.message))) throw err;
  }
}

function connected(target: RespTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${target.host}:${target.port}`), { code: 'ETIMEDOUT' }));
    }, target.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}
