import { describe, expect, it } from 'vitest';
import { checkAbsolutePath, checkBareMetal, checkSystemdUnit } from './bare-metal-values.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['bareMetal'], strict: false };

describe('bareMetal values', () => {
  it('accepts what the systemd provider accepts', () => {
    for (const unit of ['elasticsearch', 'redis-server@pubsub.service', 'app.socket', 'a:b_c\\x2d.service']) expect(checkSystemdUnit(unit, {})).toEqual([]);
    expect(checkBareMetal({ systemdUnit: 'es', configFile: '/etc/es/es.yml', configTemplate: 'x', dataDir: '/var/lib/es', user: 'elasticsearch', bindAddress: '*' }, ctx)).toEqual([]);
  });
  it('refuses units systemd would not start, and says what to write', () => {
    expect(checkSystemdUnit('redis.v2', {})[0].detail).toBe('omnitron adds ".service" only to a name without a dot; write "redis.v2.service"');
    expect(checkSystemdUnit('x/y', {})).toHaveLength(1);
    expect(checkSystemdUnit('worker@', {})[0].summary).toBe('systemd unit "worker@" is a template with no instance');
    expect(checkSystemdUnit('u'.repeat(250), {})[0].summary).toMatch(/is 258 bytes long, more than 255$/);
  });
  it('takes only absolute, normalised paths without control characters', () => {
    for (const bad of ['rel/x', '/a/../b', '/a//b', '/a/', '/', '/a\nb', `/${'x'.repeat(256)}`]) expect(checkAbsolutePath('configFile', bad, {})).toHaveLength(1);
    expect(checkAbsolutePath('configFile', '/etc/a b/$(x)', {})).toEqual([]);
  });
  it('lays variants over the base before asking for a configFile', () => {
    expect(checkBareMetal({ configFile: '/etc/a', variants: { c: { configTemplate: 'x' } } }, ctx)).toEqual([]);
    expect(checkBareMetal({ variants: { c: { configTemplate: 'x' } } }, ctx)[0].path).toBe('bareMetal.variants.c.configTemplate');
  });
});
