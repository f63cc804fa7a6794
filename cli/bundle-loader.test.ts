import { describe, expect, it } from 'vitest';
import { cacheName, codeCacheDir, commandOf, nodeCompileCacheDir } from './bundle-loader.js';

describe('the CLI bundle loader', () => {
  it('names a run by its command word, whatever follows it', () => {
    expect(commandOf(['plan', '-c', 'x.ts'])).toBe('plan');
    expect(commandOf(['--no-color', 'apply', '--auto-approve'])).toBe('apply');
    expect(commandOf(['--help'])).toBe('other');
    expect(commandOf([])).toBe('other');
    expect(commandOf(['../etc/passwd'])).toBe('other');
    expect(commandOf(['Plan'])).toBe('other');
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

  it('keeps Node\'s own compile cache there too, unless NODE_COMPILE_CACHE names another place', () => {
    expect(nodeCompileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' })).toBe('/home/u/.cache/omnitron/node-compile-cache');
    expect(nodeCompileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache', NODE_COMPILE_CACHE: '/var/cache/x' })).toBe('/var/cache/x');
  });
});
