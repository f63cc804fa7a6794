import { describe, expect, it } from 'vitest';
import { coerceDebianVersion, coercePrinted, findVersion, satisfiesRange } from './versions.js';

describe('coerceDebianVersion', () => {
  it('drops epoch and Debian revision, keeps the upstream numbers', () => {
    expect(coerceDebianVersion('5:7.0.15-1~deb12u1')).toBe('7.0.15');
    expect(coerceDebianVersion('15+248')).toBe('15.0.0');
    expect(coerceDebianVersion('1:9.2p1-2+deb12u3')).toBe('9.2.0');
    expect(coerceDebianVersion('2.6.1')).toBe('2.6.1');
    expect(coerceDebianVersion('1.22.1-9+deb12u1')).toBe('1.22.1');
    expect(coerceDebianVersion('252.39-1~deb12u2')).toBe('252.39.0');
    expect(coerceDebianVersion('abc')).toBeUndefined();
  });
});

describe('findVersion', () => {
  it('finds the first x.y[.z] in what a program prints', () => {
    expect(findVersion('postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)')).toBe('15.8');
    expect(findVersion('OpenSSH_9.2, OpenSSL 3.0.20 7 Apr 2026')).toBe('9.2');
    expect(findVersion('Redis server v=7.0.15 sha=00000000:0')).toBe('7.0.15');
    expect(findVersion('no digits here')).toBeUndefined();
    expect(findVersion('version 15')).toBeUndefined();
  });
});

describe('satisfiesRange', () => {
  it('compares coerced versions, and says undefined for a bad range', () => {
    expect(satisfiesRange('15.8', '>=15', coercePrinted)).toBe(true);
    expect(satisfiesRange('14.2', '>=15', coercePrinted)).toBe(false);
    expect(satisfiesRange('5:7.0.15-1~deb12u1', '^7.0', coerceDebianVersion)).toBe(true);
    expect(satisfiesRange('1:9.2p1-2', '>=10', coerceDebianVersion)).toBe(false);
    expect(satisfiesRange('garbage', '>=1', coerceDebianVersion)).toBe(false);
    expect(satisfiesRange('15.8', 'not a range', coercePrinted)).toBeUndefined();
  });
});
