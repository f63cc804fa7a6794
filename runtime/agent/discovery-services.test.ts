import { describe, expect, it } from 'vitest';
import { announcedServices, clientOptions, formatServices, maskEntry, needsNewClient, sameServices, urlSecrets } from './discovery-services.js';
import type { ManifestDiscovery } from '../../contract/agent/manifest.js';
import type { AppState, AppStatus } from '../../contract/agent/status.js';

const settings: ManifestDiscovery = {
  redisUrlEnv: 'DISCOVERY_REDIS_URL', nodeId: 'node-1', address: '10.0.0.5:3000', redisPrefix: 'titan:discovery',
  heartbeatInterval: 5_000, heartbeatTTL: 15_000, pubSubEnabled: true, pubSubChannel: 'titan:discovery:events', apps: ['auth', 'media', 'ledger'],
};
const app = (name: string, state: AppState): AppStatus => ({ name, state, restarts: 0, health: 'unknown', processes: [] });

describe('announcedServices', () => {
  it('lists the running apps the manifest names, in its order, with their defineSystem version', () => {
    const apps = [app('ledger', 'running'), app('auth', 'running'), app('media', 'backoff'), app('hidden', 'running')];
    expect(announcedServices(settings, apps, { auth: '2.1.0', hidden: '1' })).toEqual([{ name: 'auth', version: '2.1.0' }, { name: 'ledger' }]);
  });

  it.each<AppState>(['pending', 'blocked', 'starting', 'backoff', 'stopping', 'stopped', 'failed'])('leaves out an app that is %s', (state) => {
    expect(announcedServices(settings, [app('auth', state)], {})).toEqual([]);
  });
});

describe('service lists', () => {
  it('compares by name, version and order', () => {
    expect(sameServices([{ name: 'a', version: '1' }, { name: 'b' }], [{ name: 'a', version: '1' }, { name: 'b' }])).toBe(true);
    expect(sameServices([{ name: 'a', version: '1' }], [{ name: 'a', version: '2' }])).toBe(false);
    expect(sameServices([{ name: 'a' }], [{ name: 'a' }, { name: 'b' }])).toBe(false);
    expect(sameServices([{ name: 'a' }, { name: 'b' }], [{ name: 'b' }, { name: 'a' }])).toBe(false);
  });

  it('formats as name@version', () => {
    expect(formatServices([{ name: 'auth', version: '1.0.0' }, { name: 'media' }])).toEqual(['auth@1.0.0', 'media']);
  });
});

describe('needsNewClient', () => {
  it.each([
    ['redisUrlEnv', 'OTHER_URL'], ['redisPrefix', '{x}:discovery'], ['heartbeatInterval', 1_000], ['heartbeatTTL', 30_000],
    ['pubSubEnabled', false], ['pubSubChannel', 'x:events'],
  ])('when %s changes', (field, value) => {
    expect(needsNewClient(settings, { ...settings, [field]: value })).toBe(true);
  });

  it('not for nodeId, address or apps, which change in place', () => {
    expect(needsNewClient(settings, { ...settings, nodeId: 'n2', address: '10.0.0.6:1', apps: [] })).toBe(false);
  });

  it('when discovery is added or removed, and not when it stays absent', () => {
    expect(needsNewClient(undefined, settings)).toBe(true);
    expect(needsNewClient(settings, undefined)).toBe(true);
    expect(needsNewClient(undefined, undefined)).toBe(false);
  });

  it('passes the manifest\'s options through, always registering', () => {
    expect(clientOptions(settings)).toEqual({
      redisPrefix: 'titan:discovery', heartbeatInterval: 5_000, heartbeatTTL: 15_000, pubSubEnabled: true, pubSubChannel: 'titan:discovery:events', clientMode: false,
    });
  });
});

describe('masking the Redis URL', () => {
  it('hides the URL and its password, raw and percent-decoded, in every string field', () => {
    const url = 'redis://:p%40ss%2Fw0rd@10.0.0.9:6379/3';
    const secrets = urlSecrets(url);
    const entry = maskEntry({ level: 'warn' as const, msg: `cannot reach ${url}`, error: 'WRONGPASS p@ss/w0rd rejected; raw p%40ss%2Fw0rd', attempt: 2 }, secrets);
    expect(entry).toEqual({ level: 'warn', msg: 'cannot reach ***', error: 'WRONGPASS *** rejected; raw ***', attempt: 2 });
  });

  it('hides the whole text when it is not a URL, and nothing more when there is no password', () => {
    expect(urlSecrets('not a url')).toEqual(['not a url']);
    expect(urlSecrets('redis://10.0.0.9:6379/3')).toEqual(['redis://10.0.0.9:6379/3']);
    expect(maskEntry({ msg: 'connect ECONNREFUSED 10.0.0.9:6379' }, urlSecrets('redis://default@10.0.0.9:6379'))).toEqual({ msg: 'connect ECONNREFUSED 10.0.0.9:6379' });
  });
});
