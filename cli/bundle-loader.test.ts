import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheName, codeCacheDir, commandOf, nodeCompileCacheDir, readCache } from './bundle-loader.js';

describe('the CLI bundle loader', () => {
  it('names a run by its command word, whatever follows it', () => {
    expect(commandOf(['plan', '-c', 'x.ts'])).toBe('plan');
    expect(commandOf(['--no-color', 'apply', '--auto-approve'])).toBe('apply');
    expect(commandOf(['--help'])).toBe('other');
    expect(commandOf([])).toBe('other');
    expect(commandOf(['../etc/passwd'])).toBe('other');
    expect(commandOf(['Plan'])).toBe('other');
    expect(commandOf(['plan', '--help'])).toBe('other');
    expect(commandOf(['-V'])).toBe('other');
  });

  it('names a cache by command, bundle content, Node version and architecture', () => {
    const a = cacheName('plan', Buffer.from('bundle one'));
    expect(a).toMatch(new RegExp(`^plan-[\\w-]{22}-${process.version.replaceAll('.', '\\.')}-${process.arch}\\.v8cache$`));
    expect(cacheName('plan', Buffer.from('bundle two'))).not.toBe(a);
    expect(cacheName('plan', Buffer.from('bundle one'))).toBe(a);
  });

  it('keeps caches under the user cache directory, and none when Node\'s compile cache is off', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' })).toBe('/home/u/.cache/omnitron/code');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/home/u/.cache', NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined();
  });

  it('keeps Node\'s own compile cache in a private directory there too, unless NODE_COMPILE_CACHE names another place', () => {
    const home = mkdtempSync(join(tmpdir(), 'omnitron-cache-home-'));
    try {
      const dir = nodeCompileCacheDir({ XDG_CACHE_HOME: home });
      expect(dir).toBe(join(home, 'omnitron', 'node-compile-cache'));
      expect(statSync(dir!).mode & 0o777).toBe(0o700);
      expect(nodeCompileCacheDir({ XDG_CACHE_HOME: home, NODE_COMPILE_CACHE: '/var/cache/x' })).toBe('/var/cache/x');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('ignores an XDG_CACHE_HOME that is empty or relative, as the XDG spec says', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '' })).toBe(join(homedir(), '.cache', 'omnitron', 'code'));
    expect(codeCacheDir({ XDG_CACHE_HOME: '.cache' })).toBe(join(homedir(), '.cache', 'omnitron', 'code'));
  });

  it('reads a whole, private cache into the bundle\'s buffer when it fits, and refuses a damaged or shared one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnitron-code-cache-'));
    chmodSync(dir, 0o700);
    const write = (name: string, data: Buffer, generation = 2) => {
      const rest = Buffer.concat([Buffer.from([generation, 0, 0, 0]), data]);
      const file = join(dir, name);
      writeFileSync(file, Buffer.concat([createHash('sha256').update(rest).digest(), rest]), { mode: 0o600 });
      return file;
    };
    try {
      const data = Buffer.from('v8 code cache bytes '.repeat(20));
      const file = write('plan.v8cache', data);
      const scratch = Buffer.alloc(4096, 0xff);
      const fits = readCache(file, scratch)!;
      expect(fits).toMatchObject({ generation: 2 });
      expect(fits.data.equals(data)).toBe(true);
      expect(fits.data.buffer).toBe(scratch.buffer);

      const bigger = readCache(file, Buffer.alloc(16))!;
      expect(bigger.data.equals(data)).toBe(true);

      const damaged = write('damaged.v8cache', data);
      const bytes = readFileSync(damaged);
      bytes[bytes.length - 5] ^= 1;
      writeFileSync(damaged, bytes);
      expect(readCache(damaged, Buffer.alloc(4096))).toBeUndefined();

      chmodSync(file, 0o620);
      expect(readCache(file, Buffer.alloc(4096))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
