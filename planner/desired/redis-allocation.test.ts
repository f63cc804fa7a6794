import { describe, expect, it } from 'vitest';
import { allocateRedisDbs } from './redis-allocation.js';
import type { AppSpec } from '../config/model.js';
import type { StateRecord } from '../resource.js';

const app = (name: string, req: Partial<AppSpec['requirements']> = {}): AppSpec => ({
  name, index: 0, root: '/x', cwd: '/x', dependsOn: [], critical: false, startupTimeout: 30000, enabled: true, env: {}, instances: 1,
  requirements: { discovery: false, notifications: false, infrastructure: {}, ...req },
});
const record = (address: string, index: number): StateRecord => ({
  address, type: 'redis_database', attributes: { index }, outputs: {}, dependsOn: [], sensitive: [], hash: 'h', updatedAt: '',
});

describe('allocateRedisDbs', () => {
  it('hands out indexes in apps order, then one shared discovery index', () => {
    const slots = allocateRedisDbs([app('auth', { redis: {}, discovery: true }), app('web'), app('media', { redis: {} })], new Map());
    expect(slots.map((s) => [s.address, s.index])).toEqual([
      ['redis_database.auth', 0], ['redis_database.media', 1], ['redis_database.shared_discovery', 2],
    ]);
  });

  it('keeps recorded indexes when an app is added in front', () => {
    const prior = new Map([['redis_database.auth', record('redis_database.auth', 0)], ['redis_database.media', record('redis_database.media', 1)]]);
    const slots = allocateRedisDbs([app('billing', { redis: {} }), app('auth', { redis: {} }), app('media', { redis: {} })], prior);
    expect(Object.fromEntries(slots.map((s) => [s.app, s.index]))).toEqual({ billing: 2, auth: 0, media: 1 });
  });

  it('starts at the stack offset and fills holes left by removed apps', () => {
    const prior = new Map([['redis_database.media', record('redis_database.media', 6)]]);
    const slots = allocateRedisDbs([app('auth', { redis: {} }), app('media', { redis: {} })], prior, 5);
    expect(Object.fromEntries(slots.map((s) => [s.app, s.index]))).toEqual({ auth: 5, media: 6 });
  });
});
