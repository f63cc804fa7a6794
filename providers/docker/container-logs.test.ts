import { describe, expect, it } from 'vitest';
import { demuxLogs, lastLines, REDACTED, redactor } from './container-logs.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('container logs', () => {
  it('demultiplexes stdout and stderr frames in order', () => {
    expect(demuxLogs(Buffer.concat([frame(1, 'starting\n'), frame(2, 'fatal: boom\n')]))).toBe('starting\nfatal: boom\n');
  });

  it('passes raw (tty) output through', () => {
    expect(demuxLogs(Buffer.from('plain text output\n'))).toBe('plain text output\n');
  });

  it('redacts env values of 8+ characters wherever they appear', () => {
    const redact = redactor({ POSTGRES_PASSWORD: 'hunter2hunter2', MODE: 'dev', PORT: '5432' });
    expect(redact('auth failed for password hunter2hunter2 in dev on 5432')).toBe(`auth failed for password ${REDACTED} in dev on 5432`);
  });

  it('keeps the last lines only', () => {
    expect(lastLines('a\nb\nc\n\n', 2)).toEqual(['b', 'c']);
  });
});
