import { describe, expect, it } from 'vitest';
import { describeOwner, encodeMarker, isOurs, parseMarker } from './marker.js';

const marker = { project: 'shop', stack: 'dev', lineage: 'L1', address: 'redis_database.api', hash: 'h1', app: 'api', purpose: 'app' };

describe('redis ownership marker', () => {
  it('encodes canonically and round-trips hostile values', () => {
    expect(encodeMarker(marker)).toBe('{"address":"redis_database.api","app":"api","hash":"h1","lineage":"L1","project":"shop","purpose":"app","stack":"dev"}');
    const odd = { ...marker, app: `a"b\\c; $(rm -rf /)\n` };
    expect(parseMarker(encodeMarker(odd))).toEqual(odd);
  });

  it('ignores values that are not a complete marker', () => {
    expect(parseMarker(null)).toBeUndefined();
    expect(parseMarker('not json')).toBeUndefined();
    expect(parseMarker('{"project":"shop"}')).toBeUndefined();
    expect(parseMarker(42)).toBeUndefined();
  });

  it('scopes ownership by project, stack and optionally address', () => {
    expect(isOurs(marker, { project: 'shop', stack: 'dev' })).toBe(true);
    expect(isOurs(marker, { project: 'shop', stack: 'dev' }, 'redis_database.api')).toBe(true);
    expect(isOurs(marker, { project: 'shop', stack: 'dev' }, 'redis_database.web')).toBe(false);
    expect(isOurs(marker, { project: 'shop', stack: 'prod' })).toBe(false);
    expect(describeOwner(marker)).toBe('omnitron shop/dev redis_database.api');
    expect(describeOwner(undefined)).toBe('data without an omnitron marker');
  });
});
