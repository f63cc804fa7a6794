/**
 * RESP2, the Redis wire protocol, as far as short command sessions need it: a command goes out as an
 * array of bulk strings, and replies come back as simple strings, errors, integers, bulk strings and
 * arrays of those. Pure: the connection (resp-connection.ts) moves the bytes.
 */

/** What a command gave back. An error inside an array (a failed command in EXEC) stays in place. */
export type Reply = string | number | null | RedisReplyError | Reply[];

/** An error reply (`-WRONGPASS …`): the server's own words. */
export class RedisReplyError extends Error {
  override name = 'ReplyError';
}

const CRLF = '\r\n';

export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}${CRLF}`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}${CRLF}${arg}${CRLF}`);
  return Buffer.from(parts.join(''));
}

/** Whole replies out of a byte stream that arrives in pieces of any size. */
export class ReplyReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Every reply the bytes so far complete, in order; a partial reply waits for the next chunk. */
  push(chunk: Buffer): Reply[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const replies: Reply[] = [];
    let offset = 0;
    for (let next = readReply(this.pending, offset); next !== undefined; next = readReply(this.pending, offset)) {
      replies.push(next.reply);
      offset = next.end;
    }
    this.pending = this.pending.subarray(offset);
    return replies;
  }
}

interface Parsed { reply: Reply; end: number }

/** The reply starting at `start`, or undefined while its bytes have not all arrived. */
function readReply(buf: Buffer, start: number): Parsed | undefined {
  const lineEnd = buf.indexOf(CRLF, start);
  if (lineEnd === -1) return undefined;
  const line = buf.toString('utf8', start + 1, lineEnd);
  const after = lineEnd + 2;
  switch (buf[start]) {
    case 0x2b: return { reply: line, end: after }; // +
    case 0x2d: return { reply: new RedisReplyError(line), end: after }; // -
    case 0x3a: return { reply: integerOf(line), end: after }; // :
    case 0x24: { // $
      const length = lengthOf(line);
      if (length < 0) return { reply: null, end: after };
      if (buf.length < after + length + 2) return undefined;
      if (buf[after + length] !== 0x0d || buf[after + length + 1] !== 0x0a) throw new Error('not a Redis reply: a bulk string runs past its length');
      return { reply: buf.toString('utf8', after, after + length), end: after + length + 2 };
    }
    case 0x2a: { // *
      const count = lengthOf(line);
      if (count < 0) return { reply: null, end: after };
      const items: Reply[] = [];
      let end = after;
      for (let i = 0; i < count; i++) {
        const item = readReply(buf, end);
        if (item === undefined) return undefined;
        items.push(item.reply);
        end = item.end;
      }
      return { reply: items, end };
    }
    default:
      throw new Error(`not a Redis reply: it starts with ${JSON.stringify(String.fromCharCode(buf[start] ?? 0))}`);
  }
}

function integerOf(line: string): number {
  if (!/^-?\d+$/.test(line)) throw new Error(`not a Redis reply: bad number ${JSON.stringify(line)}`);
  return Number(line);
}

function lengthOf(line: string): number {
  const n = integerOf(line);
  if (n < -1) throw new Error(`not a Redis reply: bad length ${JSON.stringify(line)}`);
  return n;
}
