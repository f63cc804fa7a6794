import { describe, expect, it } from 'vitest';
import { isIP } from 'node:net';
import { checkBindHost, checkExtraHost, checkHostKey, checkNodeAddress, ipFamily, isHost, isHostname } from './network-values.js';

describe('network values', () => {
  it('takes host names, IPv4 and IPv6 addresses, and nothing with a port, prefix, space or newline', () => {
    for (const ok of ['db', 'db.platform.internal', '10.0.0.5', 'fd00::5', '::1', 'a-b.c1']) expect(isHost(ok)).toBe(true);
    for (const bad of ['db:22', '10.0.0.0/8', 'a b', 'db\n', '-db', 'db-', 'db..x', '999.1.1.1', '10.0.0.256', '', '[fd00::5]']) expect(isHost(bad)).toBe(false);
    expect(isHostname(`${'a'.repeat(63)}.x`)).toBe(true);
    expect(isHostname('a'.repeat(64))).toBe(false);
  });
  it('gives the same address family as net.isIP, which it asks only about values that could be an address', () => {
    const values = ['10.0.0.5', '127.0.0.1', '::1', 'fd00::5', 'fe80::1%eth0', '::ffff:10.0.0.5', '999.1.1.1', '1.2.3', 'db', 'db.internal', '10.0.0.5.nip', 'host-gateway', ':', ''];
    for (const value of values) expect(ipFamily(value), value).toBe(isIP(value));
  });
  it('refuses addresses pg_hba.conf would read as keywords', () => {
    expect(checkNodeAddress('all', { path: 'p' })[0].detail).toMatch(/^pg_hba.conf reads "all" as a keyword/);
    expect(checkNodeAddress('10.0.0.5', {})).toEqual([]);
  });
  it('checks host keys, bind hosts and extra hosts in the forms ssh and Docker read', () => {
    expect(checkHostKey(`SHA256:${'A'.repeat(43)}`, {})).toEqual([]);
    expect(checkHostKey('SHA256:short', {})).toHaveLength(1);
    expect(checkBindHost('0.0.0.0', {})).toEqual([]);
    expect(checkBindHost('localhost', {})).toHaveLength(1);
    expect(checkExtraHost('host.docker.internal:host-gateway', {})).toEqual([]);
    expect(checkExtraHost('v6.internal:fd00::9', {})).toEqual([]);
    expect(checkExtraHost('metrics.internal', {})).toHaveLength(1);
  });
});
