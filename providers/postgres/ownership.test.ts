import { describe, expect, it } from 'vitest';
import { ownedByScope, parseStamp, stampComment } from './ownership.js';

const stamp = { project: 'shop', stack: 'dev', lineage: 'L1', address: 'postgres_role.api', hash: 'abc123' };

describe('ownership comments', () => {
  it('serialise canonically with the omnitron prefix', () => {
    expect(stampComment(stamp)).toBe('omnitron:{"address":"postgres_role.api","hash":"abc123","lineage":"L1","project":"shop","stack":"dev"}');
  });

  it('round-trip, including hostile characters', () => {
    const odd = { ...stamp, address: `postgres_role.o'k"; --\\` };
    expect(parseStamp(stampComment(odd))).toEqual(odd);
  });

  it('read stamps written before lineages were, without one', () => {
    expect(parseStamp('omnitron:{"address":"a","hash":"h","project":"shop","stack":"dev"}')).toEqual({ project: 'shop', stack: 'dev', address: 'a', hash: 'h' });
  });

  it('ignore comments that are not ours or not well formed', () => {
    expect(parseStamp(null)).toBeUndefined();
    expect(parseStamp('a database for reports')).toBeUndefined();
    expect(parseStamp('omnitron:not json')).toBeUndefined();
    expect(parseStamp('omnitron:{"project":"shop","stack":"dev","address":"x"}')).toBeUndefined();
  });

  it('scope by project and stack', () => {
    expect(ownedByScope(stamp, { project: 'shop', stack: 'dev' })).toBe(true);
    expect(ownedByScope(stamp, { project: 'shop', stack: 'prod' })).toBe(false);
    expect(ownedByScope(stamp, { project: 'other', stack: 'dev' })).toBe(false);
    expect(ownedByScope(undefined, { project: 'shop', stack: 'dev' })).toBe(false);
  });
});
