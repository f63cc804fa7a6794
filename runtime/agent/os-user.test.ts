import { describe, expect, it } from 'vitest';
import { lookupUser, parsePasswd } from './os-user.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  '# a comment',
  'omnitron:x:998:997::/var/lib/omnitron:/usr/sbin/nologin',
  'broken:x::12:::',
  '',
].join('\n');

describe('os users', () => {
  it('parses uid, gid and home', () => {
    expect(parsePasswd(PASSWD)).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root' },
      { name: 'omnitron', uid: 998, gid: 997, home: '/var/lib/omnitron' },
    ]);
  });

  it('looks a user up by name and names the missing one', () => {
    expect(lookupUser('omnitron', PASSWD).uid).toBe(998);
    expect(() => lookupUser('ghost', PASSWD)).toThrow('user "ghost" does not exist on this node (not in /etc/passwd)');
  });

  it('reads /etc/passwd by default', () => {
    expect(lookupUser('root')).toMatchObject({ uid: 0, gid: 0 });
  });
});
