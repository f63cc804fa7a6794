import { describe, expect, it } from 'vitest';
import { flipMaintenance } from './maintenance.js';

/** A Redis of one DB: SET, GET, DEL, recording every command. */
function fakeRedis() {
  const data = new Map<string, string>();
  const commands: string[][] = [];
  const run = async ([name, ...args]: [string, ...string[]]) => {
    commands.push([name, ...args]);
    if (name === 'SET') { data.set(args[0], args[1]); return 'OK'; }
    if (name === 'GET') return data.get(args[0]) ?? null;
    if (name === 'DEL') return args.filter((k) => data.delete(k)).length;
    throw new Error(`unexpected ${name}`);
  };
  return { data, commands, run };
}

describe('flipMaintenance', () => {
  it('on: writes the message before the flag, under the project\'s keys', async () => {
    const redis = fakeRedis();
    expect(await flipMaintenance(redis.run, 'platform', 'on', 'back at noon')).toEqual({ on: true, message: 'back at noon' });
    expect(redis.commands.slice(0, 2)).toEqual([['SET', 'platform:maintenance:message', 'back at noon'], ['SET', 'platform:maintenance', '1']]);
  });

  it('on without a message clears an old one; off clears both; status only reads', async () => {
    const redis = fakeRedis();
    redis.data.set('platform:maintenance:message', 'old');
    expect(await flipMaintenance(redis.run, 'platform', 'on', undefined)).toEqual({ on: true });
    expect(await flipMaintenance(redis.run, 'platform', 'off', undefined)).toEqual({ on: false });
    expect(redis.data.size).toBe(0);
    const before = redis.commands.length;
    expect(await flipMaintenance(redis.run, 'platform', 'status', undefined)).toEqual({ on: false });
    expect(redis.commands.slice(before).map((c) => c[0])).toEqual(['GET', 'GET']);
  });
});
