import { describe, expect, it } from 'vitest';
import { encodeCommand, RedisReplyError, ReplyReader, type Reply } from './resp.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

/** Feeds `wire` to a fresh reader in pieces of `size` bytes; returns every reply it gave. */
function readInPieces(wire: Buffer, size: number): Reply[] {
  const reader = new ReplyReader();
  const out: Reply[] = [];
  for (let i = 0; i < wire.length; i += size) out.push(...reader.push(wire.subarray(i, i + size)));
  return out;
}

describe('encodeCommand', () => {
  it('sends an array of bulk strings, lengths in bytes', () => {
    expect(encodeCommand(['set', 'k', 'é€']).toString('utf8')).toBe('*3\r\n$3\r\nset\r\n$1\r\nk\r\n$5\r\né€\r\n');
    expect(encodeCommand(['get', '']).toString()).toBe('*2\r\n$3\r\nget\r\n$0\r\n\r\n');
  });

  it('keeps CR, LF and spaces inside an argument as data', () => {
    expect(encodeCommand(['set', 'a b', 'x\r\ny']).toString()).toBe('*3\r\n$3\r\nset\r\n$3\r\na b\r\n$4\r\nx\r\ny\r\n');
  });
});

describe('ReplyReader', () => {
  const wire = bytes([
    '+OK\r\n',
    '-WRONGPASS invalid username-password pair\r\n',
    ':42\r\n',
    ':-1\r\n',
    '$4\r\nhé!\r\n',
    '$-1\r\n',
    '$0\r\n\r\n',
    '$4\r\na\r\nb\r\n',
    '*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n',
    '*-1\r\n',
    '*0\r\n',
    '*3\r\n:1\r\n*2\r\n+x\r\n$-1\r\n-ERR nested\r\n',
  ].join(''));

  function expectAll(replies: Reply[]): void {
    expect(replies).toHaveLength(12);
    const [ok, err, n, neg, s, nil, empty, crlf, arr, nilArr, emptyArr, nested] = replies;
    expect([ok, n, neg, s, nil, empty, crlf, arr, nilArr, emptyArr]).toEqual(['OK', 42, -1, 'hé!', null, '', 'a\r\nb', ['databases', '16'], null, []]);
    expect(err).toBeInstanceOf(RedisReplyError);
    expect((err as Error).message).toBe('WRONGPASS invalid username-password pair');
    expect((nested as Reply[])[0]).toBe(1);
    expect((nested as Reply[])[1]).toEqual(['x', null]);
    expect((nested as Reply[])[2]).toBeInstanceOf(RedisReplyError);
  }

  it('reads every kind of reply from one chunk', () => {
    expectAll(new ReplyReader().push(wire));
  });

  it('gives the same replies whatever the chunks, one byte at a time included (a UTF-8 character split too)', () => {
    for (const size of [1, 2, 3, 7, 16]) expectAll(readInPieces(wire, size));
  });

  it('holds a partial reply until the rest arrives', () => {
    const reader = new ReplyReader();
    expect(reader.push(bytes('*2\r\n$3\r\nfoo\r\n$3\r\nba'))).toEqual([]);
    expect(reader.push(bytes('r\r\n:7'))).toEqual([['foo', 'bar']]);
    expect(reader.push(bytes('\r\n'))).toEqual([7]);
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => new ReplyReader().push(bytes('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/not a Redis reply: it starts with "H"/);
    expect(() => new ReplyReader().push(bytes('$x\r\n'))).toThrow(/bad number "x"/);
    expect(() => new ReplyReader().push(bytes('$-2\r\n'))).toThrow(/bad length "-2"/);
    for (const n of ['', ' 3', '0x10', '1e2', 'abc']) expect(() => new ReplyReader().push(bytes(`:${n}\r\n`))).toThrow(/bad number/);
    expect(() => new ReplyReader().push(bytes('$3\r\nabcXY'))).toThrow(/runs past its length/);
  });
});
