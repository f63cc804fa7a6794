import { describe, expect, it } from 'vitest';
import type { DesiredResource } from '../resource.js';
import { mergeSharedResources } from './shared-node-resources.js';

const pkg = (version: string | undefined, dependsOn: string[] = []): DesiredResource => ({
  address: 'apt_package.cache.redis-server', type: 'apt_package', attributes: { node: 'cache', name: 'redis-server', ...(version ? { version } : {}) }, dependsOn, sensitive: [],
});

describe('resources two services on one node both need', () => {
  it('one package for both, with both version ranges and both dependencies', () => {
    const merged = mergeSharedResources([pkg(undefined, ['a']), pkg('>=7.0.0', ['b']), pkg('<8', ['a'])]);
    expect(merged).toEqual([{ ...pkg('>=7.0.0 <8'), dependsOn: ['a', 'b'] }]);
  });

  it('an identical range is kept once; other resources pass through in order', () => {
    const other: DesiredResource = { address: 'node_file.cache.x', type: 'node_file', attributes: {}, dependsOn: [], sensitive: [] };
    expect(mergeSharedResources([pkg('>=7'), other, pkg('>=7')])).toEqual([pkg('>=7'), other]);
  });

  it('anything else asked for twice is a planner bug, not silently merged', () => {
    const file: DesiredResource = { address: 'node_file.cache.x', type: 'node_file', attributes: {}, dependsOn: [], sensitive: [] };
    expect(() => mergeSharedResources([file, file])).toThrow(/made node_file.cache.x twice/);
  });
});
