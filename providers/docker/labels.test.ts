import { describe, expect, it } from 'vitest';
import { decodePortNames, encodePortNames, FORBIDDEN_LABEL, isOwnershipLabel, objectLabels, ownerOf, ownershipLabels, scopeFilters } from './labels.js';

const scope = { project: 'shop', stack: 'dev', lineage: 'L1' };

describe('ownership labels', () => {
  it('carries project, stack, the state lineage, address and config hash', () => {
    expect(ownershipLabels(scope, 'service.redis.container', 'abc123')).toEqual({
      'dev.omnitron.project': 'shop',
      'dev.omnitron.stack': 'dev',
      'dev.omnitron.lineage': 'L1',
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

  it('tells this state\'s objects from another state\'s, older stamps and unlabelled ones', () => {
    const labels = ownershipLabels(scope, 'a', 'h');
    expect(ownerOf(labels, scope)).toEqual({ kind: 'this' });
    expect(ownerOf(labels, { ...scope, lineage: 'L2' })).toEqual({ kind: 'other', who: 'omnitron project "shop", stack "dev", state lineage L1' });
    expect(ownerOf({ ...labels, 'dev.omnitron.lineage': '' }, scope)).toEqual({ kind: 'unversioned' });
    expect(ownerOf({ team: 'core' }, scope)).toEqual({ kind: 'none' });
    expect(ownerOf(null, scope)).toEqual({ kind: 'none' });
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
