import { describe, expect, it } from 'vitest';
import type { Observed } from '../../planner/resource.js';
import { dockerNetwork } from './network.js';
import { dockerVolume } from './volume.js';

const address = 'stack.network';
const live = (name: string): Observed => ({ address, type: 'docker_network', id: 'n1', attributes: { name, driver: 'bridge' } });

describe('docker_network and docker_volume plans', () => {
  it('creates a missing network', () => {
    expect(dockerNetwork.plan({ address, desired: { name: 'shop-dev_default', driver: 'bridge' }, sensitive: [] })).toMatchObject({ action: 'create' });
  });

  it('adopts a matching network into state', () => {
    expect(dockerNetwork.plan({ address, desired: { name: 'shop-dev_default', driver: 'bridge' }, observed: live('shop-dev_default'), sensitive: [] }))
      .toEqual({ action: 'noop', reason: 'found matching config, not yet in state', record: true });
  });

  it('replaces a renamed network', () => {
    expect(dockerNetwork.plan({ address, desired: { name: 'shop-dev_new', driver: 'bridge' }, observed: live('shop-dev_default'), sensitive: [] }))
      .toMatchObject({ action: 'replace', forcedBy: ['name'] });
  });

  it('replaces a renamed volume', () => {
    const observed: Observed = { address: 'v', type: 'docker_volume', id: 'old', attributes: { name: 'old' } };
    expect(dockerVolume.plan({ address: 'v', desired: { name: 'new' }, observed, sensitive: [] })).toMatchObject({ action: 'replace', forcedBy: ['name'] });
  });

  it('deletes an orphaned volume', () => {
    const observed: Observed = { address: 'v', type: 'docker_volume', id: 'old', attributes: { name: 'old' } };
    expect(dockerVolume.plan({ address: 'v', observed, sensitive: [] })).toEqual({ action: 'delete', reason: 'owned by this stack but not in config' });
  });
});
