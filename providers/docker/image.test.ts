import { describe, expect, it } from 'vitest';
import type { Observed, StateRecord } from '../../planner/resource.js';
import { dockerImage } from './image.js';

const address = 'service.redis.image';
const name = 'omnitron-local/redis:7';
const observed: Observed = { address, type: 'docker_image', id: 'sha256:1', attributes: { name }, status: 'present' };
const prior: StateRecord = { address, type: 'docker_image', id: 'sha256:1', attributes: { name }, outputs: {}, dependsOn: [], sensitive: [], hash: '', updatedAt: '' };

describe('docker_image plan', () => {
  it('pulls an image that is not present', () => {
    expect(dockerImage.plan({ address, desired: { name }, sensitive: [] })).toEqual({ action: 'create', reason: 'image not present locally' });
  });

  it('never pulls an image that is present', () => {
    expect(dockerImage.plan({ address, desired: { name }, observed, prior, sensitive: [] })).toEqual({ action: 'noop', reason: 'image present locally' });
  });

  it('records a present image state does not know, or that was rebuilt', () => {
    expect(dockerImage.plan({ address, desired: { name }, observed, sensitive: [] })).toMatchObject({ record: true });
    expect(dockerImage.plan({ address, desired: { name }, observed: { ...observed, id: 'sha256:2' }, prior, sensitive: [] })).toMatchObject({ record: true });
  });

  it('forgets an image no longer in config, keeping it on the engine', () => {
    expect(dockerImage.plan({ address, prior, sensitive: [] })).toEqual({ action: 'delete', reason: 'no longer in config (the image itself is kept)' });
  });
});
