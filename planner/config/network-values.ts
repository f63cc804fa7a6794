/**
 * Where things are reached: node `host` and `address`, an external service's `host`, Docker's
 * `bindHost` and `extraHosts`, pinned `hostKey`s. Each is checked before it reaches SSH, app env, a
 * Docker call or a line of pg_hba.conf (a node address once could carry a `host all all 0.0.0.0/0
 * trust` line there).
 */
import net, { isIP } from 'node:net';
import { error, type Diagnostic } from '../diagnostics.js';
import { describeValue } from '../../contract/field-path.js';
import { oddCharacters } from './look-alikes.js';

type Where = Pick<Diagnostic, 'file' | 'path'>;

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
/** As ssh-keygen -lf prints it (providers/ssh/host-keys.ts reads the same form). */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** An RFC 1123 host name: labels of letters, digits and "-", at most 253 bytes, not ending in a number. */
export function isHostname(value: string): boolean {
  const labels = value.split('.');
  return value.length <= 253 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/**
 * `net.isIP`, asked only of values that could be an address: its IPv6 pattern costs ~7 ms the first
 * time it runs, and a host name (which never holds ":") would run it on every command.
 */
export function ipFamily(value: string): number {
  return value.includes(':') || /^[\d.]+$/.test(value) ? isIP(value) : 0;
}

/** A host name, an IPv4 address or an IPv6 address: nothing else (no port, prefix length, spaces or newlines). */
export function isHost(value: string): boolean {
  return ipFamily(value) !== 0 || isHostname(value);
}

/** Words pg_hba.conf reads as keywords in its address field (`all` lets in every address). */
const HBA_KEYWORDS = ['all', 'samehost', 'samenet'];

const HOST_FORMS = 'a host name (db.example.com), an IPv4 address (10.0.0.5) or an IPv6 address (fd00::5)';

interface SpecialAddresses { unspecified: net.BlockList; manyHosts: net.BlockList }
let specials: SpecialAddresses | undefined;

/** Built on first use (net.BlockList is read only then too): a plain config of host names never needs them. */
function specialAddresses(): SpecialAddresses {
  if (specials) return specials;
  const unspecified = new net.BlockList();
  unspecified.addSubnet('0.0.0.0', 8, 'ipv4');
  unspecified.addAddress('::', 'ipv6');
  const manyHosts = new net.BlockList();
  manyHosts.addSubnet('224.0.0.0', 4, 'ipv4');
  manyHosts.addAddress('255.255.255.255', 'ipv4');
  manyHosts.addSubnet('ff00::', 8, 'ipv6');
  return (specials = { unspecified, manyHosts });
}

/** Why an IP address cannot stand for one host the others reach (pg_hba.conf, URLs, SSH); undefined when it can. */
function notOneHost(value: string): string | undefined {
  const family = ipFamily(value);
  if (family === 0) return undefined;
  if (value.includes('%')) return 'an IPv6 address with a zone (%…) names an interface of one machine, and pg_hba.conf and URLs cannot carry it';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const { unspecified, manyHosts } = specialAddresses();
  if (unspecified.check(value, type)) return `${value} is the unspecified address: a server reads it as every interface, a client as this machine`;
  if (manyHosts.check(value, type)) return `${value} is a multicast or broadcast address, which reaches many hosts`;
  return undefined;
}

function checkOneHost(what: string, value: string, detail: string, where: Where): Diagnostic[] {
  const why = notOneHost(value);
  if (why !== undefined) return [invalid(what, value, `${why}; ${detail}`, where)];
  return isHost(value) ? [] : [invalid(what, value, detail, where)];
}

function invalid(what: string, value: string, detail: string, where: Where): Diagnostic {
  const odd = oddCharacters(value);
  return error(`invalid ${what} ${describeValue(value)}${odd ? `: ${odd}` : ''}`, { detail, ...where });
}

/** `host`: where omnitron reaches the node over SSH. */
export function checkSshHost(value: string, where: Where): Diagnostic[] {
  const detail = `write ${HOST_FORMS}; the SSH port goes in ssh.port and the user in ssh.user`;
  // Without an address, the host is where the other nodes reach this one, pg_hba.conf included.
  if (HBA_KEYWORDS.includes(value.toLowerCase())) return [invalid('host', value, `pg_hba.conf reads "${value}" as a keyword, not a host; ${detail}`, where)];
  return checkOneHost('host', value, detail, where);
}

/** `address`: where the other nodes reach the node; it becomes `${host}` in app env and a line of pg_hba.conf. */
export function checkNodeAddress(value: string, where: Where): Diagnostic[] {
  const detail = `write ${HOST_FORMS}, with no port or prefix length: it becomes \${host} in the apps' env and the client address in pg_hba.conf`;
  if (HBA_KEYWORDS.includes(value.toLowerCase())) return [invalid('address', value, `pg_hba.conf reads "${value}" as a keyword, not a host; ${detail}`, where)];
  return checkOneHost('address', value, detail, where);
}

/** An external service's `host`: apps get it as `${host}` (in DATABASE_URL, REDIS_URL, ...). */
export function checkExternalHost(value: string, where: Where): Diagnostic[] {
  return checkOneHost('host', value, `write ${HOST_FORMS}; the port goes in ports`, where);
}

export function checkHostKey(value: string, where: Where): Diagnostic[] {
  if (FINGERPRINT.test(value.trim())) return [];
  return [invalid('hostKey', value, 'pin the SHA256 fingerprint as ssh-keygen -lf prints it: "SHA256:" and 43 base64 characters, e.g. from ssh-keyscan HOST | ssh-keygen -lf -', where)];
}

/** Docker publishes ports on an interface address. */
export function checkBindHost(value: string, where: Where): Diagnostic[] {
  if (ipFamily(value) !== 0) return [];
  return [invalid('bindHost', value, 'Docker publishes ports on an IP address: 127.0.0.1 (the default), 0.0.0.0 for every interface, or one of this machine\'s addresses', where)];
}

/** Docker's `--add-host` form, `name:address` (or `name:host-gateway`). */
export function checkExtraHost(value: string, where: Where): Diagnostic[] {
  const colon = value.indexOf(':');
  const name = value.slice(0, colon);
  const target = value.slice(colon + 1);
  if (colon > 0 && isHostname(name) && (ipFamily(target) !== 0 || target === 'host-gateway')) return [];
  return [invalid('extra host', value, 'write "name:address", e.g. "metrics.internal:10.0.0.9" or "host.docker.internal:host-gateway"', where)];
}

/** A login name as sshd and sudo take it: no spaces, control characters or leading "-" (ssh would read it as an option). */
const LOGIN = /^[A-Za-z0-9_.][A-Za-z0-9_.@$-]{0,31}$/;

/** `ssh.user`: the account omnitron logs in as (root, or a user with passwordless sudo). */
export function checkSshUser(value: string, where: Where): Diagnostic[] {
  if (LOGIN.test(value)) return [];
  return [invalid('ssh user', value, 'an account name on the node: letters, digits, "_", ".", "@", "$" and "-", not starting with "-", at most 32 characters (e.g. "root" or "deploy")', where)];
}
