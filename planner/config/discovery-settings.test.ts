import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { loadEcosystemFromObject } from './load-ecosystem.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

function load(discovery: unknown) {
  project = makeProject({ 'apps/api/dist/main.js': '' });
  return loadEcosystemFromObject({ apps: [{ name: 'api', script: './apps/api/dist/main.js' }], discovery }, { file: project.file('omnitron.config.ts') });
}

const messages = (r: ReturnType<typeof load>) => r.diagnostics.map((d) => `${d.severity} ${d.path}: ${d.summary}`);

describe('the ecosystem\'s discovery section', () => {
  it('defaults to titan-discovery\'s prefix and timing', () => {
    expect(load(undefined).ecosystem!.discovery).toEqual({ redisPrefix: 'titan:discovery', heartbeatInterval: 5_000, heartbeatTTL: 15_000 });
  });

  it('takes a prefix and durations in ms or as strings', () => {
    const r = load({ redisPrefix: '{acme}:discovery', heartbeatInterval: '2s', heartbeatTTL: 6_000 });
    expect(r.diagnostics).toEqual([]);
    expect(r.ecosystem!.discovery).toEqual({ redisPrefix: '{acme}:discovery', heartbeatInterval: 2_000, heartbeatTTL: 6_000 });
  });

  it('keeps the defaults for fields left out, and checks the TTL against the default interval', () => {
    expect(load({ heartbeatTTL: '30s' }).ecosystem!.discovery).toEqual({ redisPrefix: 'titan:discovery', heartbeatInterval: 5_000, heartbeatTTL: 30_000 });
    expect(messages(load({ heartbeatTTL: '8s' }))).toEqual(['error discovery.heartbeatTTL: heartbeatTTL 8000 ms is below 2 × heartbeatInterval (10000 ms)']);
  });

  it('refuses what the agent would refuse, naming the field', () => {
    expect(messages(load({ heartbeatInterval: '5s', heartbeatTTL: '9s' }))).toEqual(['error discovery.heartbeatTTL: heartbeatTTL 9000 ms is below 2 × heartbeatInterval (10000 ms)']);
    expect(messages(load({ heartbeatInterval: 0 }))).toEqual(['error discovery.heartbeatInterval: heartbeatInterval must be longer than 0']);
    expect(messages(load({ heartbeatInterval: 'soon' }))).toEqual(['error discovery.heartbeatInterval: invalid duration "soon"']);
    expect(messages(load({ redisPrefix: 'my prefix' }))).toEqual(['error discovery.redisPrefix: expected a key prefix without spaces, e.g. "titan:discovery"']);
    expect(messages(load({ redisPrefix: '' }))).toEqual(['error discovery.redisPrefix: expected a key prefix without spaces, e.g. "titan:discovery"']);
  });

  it('warns about timing titan-discovery advises against, and about unknown keys', () => {
    expect(messages(load({ heartbeatInterval: '5s', heartbeatTTL: '12s' }))).toEqual([
      'warning discovery.heartbeatTTL: heartbeatTTL 12000 ms is below 3 × heartbeatInterval (15000 ms), the recommended minimum',
    ]);
    expect(messages(load({ heartbeatInterval: '1s', heartbeatTTL: '1m' }))).toEqual(['warning discovery.heartbeatTTL: heartbeatTTL 60000 ms is above 10 × heartbeatInterval (10000 ms)']);
    expect(messages(load({ pubSubChanel: 'x' }))).toHaveLength(1);
    expect(load({ pubSubChanel: 'x' }).diagnostics[0]).toMatchObject({ severity: 'warning', path: 'discovery.pubSubChanel' });
  });
});
