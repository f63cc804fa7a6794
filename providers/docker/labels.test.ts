import { describe, expect, it } from 'vitest';
import { decodePortNames, encodePortNames, FORBIDDEN_LABEL, isOwnershipLabel, objectLabels, ownershipLabels, scopeFilters } from './labels.js';

const scope = { project: 'shop', stack: 'dev' };

describe('ownership labels', () => {
  it('carries project, stack, address and config hash', () => {
    expect(ownershipLabels(scope, 'service.redis.container', 'abc123')).toEqual({
      'dev.omnitron.project': 'shop',
      'dev.omnitron.stack': 'dev',
      'dev.omnitron.address': 'service.redis.container',
      'dev.omnitron.config-hash': 'abc123',
    });
  });

  it('never carries omnitron.managed, even when the user asks for it', () => {
    const labels = objectLabels(ownershipLabels(scope, 'a', 'h'), { [FORBIDDEN_LABEL]: 'true', team: 'core' });
    expect(Object.keys(labels)).not.toContain(FORBIDDEN_LABEL);
    expect(labels.team).toBe('core');
  });

  it('lets ownership win over a user label of the same key', () => {
    const labels = objectLabels(ownershipLabels(scope, 'a', 'h'), { 'dev.omnitron.address': 'spoofed' });
    expect(labels['dev.omnitron.address']).toBe('a');
  });

  it('filters lists by project and stack', () => {
    expect(scopeFilters(scope)).toEqual({ label: ['dev.omnitron.project=shop', 'dev.omnitron.stack=dev'] });
  });

  it('recognises only its own prefix as ownership', () => {
    expect(isOwnershipLabel('dev.omnitron.stack')).toBe(true);
    expect(isOwnershipLabel('omnitron.managed')).toBe(false);
    expect(isOwnershipLabel('team')).toBe(false);
  });

  it('round-trips port names and ignores garbage', () => {
    const encoded = encodePortNames([{ name: 'main', container: 6379 }, { name: 'metrics', container: 9121 }]);
    expect(decodePortNames(encoded)).toEqual({ 6379: 'main', 9121: 'metrics' });
    expect(decodePortNames('not json')).toEqual({});
    expect(decodePortNames(undefined)).toEqual({});
  });
});
