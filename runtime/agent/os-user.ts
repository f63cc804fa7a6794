/** OS accounts from /etc/passwd, for running an app as its own user (no NSS: nodes use local users). */
import { readFileSync } from 'node:fs';

export interface OsUser { name: string; uid: number; gid: number; home: string }

export function parsePasswd(text: string): OsUser[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) return [];
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    return Number.isInteger(uid) && Number.isInteger(gid) && f[2] !== '' && f[3] !== '' ? [{ name: f[0], uid, gid, home: f[5] }] : [];
  });
}

export function lookupUser(name: string, passwd: string = readFileSync('/etc/passwd', 'utf8')): OsUser {
  const user = parsePasswd(passwd).find((u) => u.name === name);
  if (!user) throw new Error(`user "${name}" does not exist on this node (not in /etc/passwd)`);
  return user;
}
