import { describe, expect, it } from 'vitest';
import { shellCommand } from './argv.js';
import { LocalTransport } from './local-transport.js';
import { pidSplitter, withPidReport } from './stream-channel.js';

describe('withPidReport', () => {
  it('wraps the argv in a fixed script; the words stay arguments, never script', async () => {
    const argv = withPidReport(['printf', '%s|', '$(id)', "it's"]);
    expect(shellCommand(argv)).toBe(`sh -c 'echo $$; exec "$@"' sh printf '%s|' '$(id)' 'it'\\''s'`);
    const { stdout } = await new LocalTransport().exec(argv);
    expect(stdout).toMatch(/^\d+\n\$\(id\)\|it's\|$/);
  });
});

describe('pidSplitter', () => {
  it('takes the pid line off the front, however the chunks fall, and passes the rest on', () => {
    const chunks: string[] = [];
    const split = pidSplitter((c) => chunks.push(c.toString()));
    split.write(Buffer.from('12'));
    expect(split.pid()).toBeUndefined();
    split.write(Buffer.from('34\nfirst'));
    split.write(Buffer.from(' line\n'));
    expect(split.pid()).toBe(1234);
    expect(chunks).toEqual(['first', ' line\n']);
  });

  it('lets an early abort wait for the pid, but not for ever', async () => {
    const split = pidSplitter(() => undefined);
    const waiting = split.waitPid(1_000);
    split.write(Buffer.from('77\n'));
    expect(await waiting).toBe(77);
    expect(await pidSplitter(() => undefined).waitPid(10)).toBeUndefined();
  });

  it('passes everything on when the first line is not a pid', () => {
    const chunks: string[] = [];
    const split = pidSplitter((c) => chunks.push(c.toString()));
    split.write(Buffer.from('oops\nmore'));
    expect([split.pid(), chunks]).toEqual([undefined, ['oops\nmore']]);
  });
});

describe('LocalTransport.execStream', () => {
  it('delivers stdout before the command ends, and an abort stops the command', async () => {
    const local = new LocalTransport();
    const abort = new AbortController();
    let seen = '';
    const running = local.execStream(['sh', '-c', 'echo ready; exec sleep 30'], {
      signal: abort.signal,
      onStdout: (chunk) => { seen += chunk.toString(); if (seen.includes('ready')) abort.abort(); },
    });
    const started = Date.now();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen).toBe('ready\n');
  });

  it('passes stdin and reports the exit status and stderr', async () => {
    const chunks: string[] = [];
    const result = await new LocalTransport().execStream(['sh', '-c', 'cat; echo oops >&2; exit 3'], { stdin: 'token\n', onStdout: (c) => chunks.push(c.toString()) });
    expect(result).toEqual({ code: 3, signal: undefined, stderr: 'oops\n' });
    expect(chunks.join('')).toBe('token\n');
    expect(await new LocalTransport().execStream(['no-such-program-xyz'], { onStdout: () => undefined })).toMatchObject({ code: 127 });
  });
});
