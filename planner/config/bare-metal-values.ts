/**
 * A service's `bareMetal` block, checked before its values reach a node: the unit systemd starts,
 * the files and directories omnitron writes and chowns, the account that owns them and the address
 * a preset listens on (which is pasted into postgresql.conf or redis.conf). The forms match what
 * the systemd provider accepts at apply (providers/systemd/node-type.ts), so nothing passes here
 * and fails there.
 */
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import type { BareMetalServiceConfig } from './define.js';
import { describeValue } from '../../contract/field-path.js';
import { oddCharacters } from './look-alikes.js';
import { isHost } from './network-values.js';
import { checkPackages } from './bare-metal-packages.js';
import { at, within, type SourceContext } from './source-context.js';

type Where = Pick<Diagnostic, 'file' | 'path'>;

const UNIT_TYPES = ['service', 'socket', 'timer', 'target', 'path', 'mount'];
const UNIT_CHARS = /^[A-Za-z0-9:_.\\@-]+$/;
const ACCOUNT = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Directories a dataDir must not be: omnitron makes it the service user's, mode 0750. */
const SYSTEM_DIRS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/usr/bin', '/usr/lib', '/usr/local', '/usr/sbin', '/var', '/var/lib', '/var/log', '/var/run', '/var/tmp']);

function invalid(what: string, value: string, detail: string, where: Where): Diagnostic {
  const odd = oddCharacters(value);
  return error(`invalid ${what} ${describeValue(value)}${odd ? `: ${odd}` : ''}`, { detail, ...where });
}

/** `ctx` points at the block; variants are checked the same way, over the base they are laid on (`base`). */
export function checkBareMetal(bm: BareMetalServiceConfig, ctx: SourceContext, base: BareMetalServiceConfig = {}): Diagnostic[] {
  const out: Diagnostic[] = checkPackages(bm, ctx);
  if (bm.systemdUnit !== undefined) out.push(...checkSystemdUnit(bm.systemdUnit, at(ctx, 'systemdUnit')));
  if (bm.configFile !== undefined) out.push(...checkAbsolutePath('configFile', bm.configFile, at(ctx, 'configFile')));
  if (bm.dataDir !== undefined) out.push(...checkDataDir(bm.dataDir, at(ctx, 'dataDir')));
  if (bm.user !== undefined && !ACCOUNT.test(bm.user)) out.push(invalid('user', bm.user, 'a Debian account name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters (e.g. "elasticsearch")', at(ctx, 'user')));
  if (bm.bindAddress !== undefined && bm.bindAddress !== '*' && !isHost(bm.bindAddress)) {
    out.push(invalid('bindAddress', bm.bindAddress, 'one address to listen on: "*" (every interface), an IPv4 or IPv6 address, or a host name; it is written into the server\'s config file as is', at(ctx, 'bindAddress')));
  }
  for (const [name, variant] of Object.entries(bm.variants ?? {})) out.push(...checkBareMetal(variant, within(ctx, 'variants', name), bm));
  if (bm.configTemplate !== undefined && !(bm.configFile ?? base.configFile)) {
    out.push(error('a configTemplate needs a configFile to be written to', { detail: 'set configFile to the absolute path the service reads, e.g. "/etc/elasticsearch/elasticsearch.yml"', ...at(ctx, 'configTemplate') }));
  }
  return out;
}

/** What systemd accepts as a unit name; omnitron adds ".service" only to a name without a dot. */
/** Units Debian, systemd or omnitron's own agent run: a service's start, restart and destroy must never reach them. */
const SYSTEM_UNITS = /^(ssh|sshd|dbus|dbus-broker|cron|networking|rsyslog|omnitron-agent|(systemd|getty|serial-getty|user|user-runtime-dir|autovt|container-getty)[-@][^/]*)\.service$/;

export function checkSystemdUnit(value: string, where: Where): Diagnostic[] {
  const hint = `a unit name is letters, digits and ":_.\\@-", with an optional type (${UNIT_TYPES.map((t) => `.${t}`).join(', ')}): e.g. "elasticsearch" or "redis-server@pubsub.service"`;
  if (!UNIT_CHARS.test(value)) return [invalid('systemd unit', value, hint, where)];
  const dot = value.lastIndexOf('.');
  const type = dot === -1 ? 'service' : value.slice(dot + 1);
  if (!UNIT_TYPES.includes(type)) return [error(`systemd unit "${value}" ends in ".${type}", which is not a unit type`, { detail: `omnitron adds ".service" only to a name without a dot; write "${value}.service"`, ...where })];
  if (/@\.[a-z]+$/.test(value) || (dot === -1 && value.endsWith('@'))) return [error(`systemd unit "${value}" is a template with no instance`, { detail: `name the instance to start, e.g. "${value.replace(/@(\.[a-z]+)?$/, '@main$1')}"`, ...where })];
  const full = dot === -1 ? `${value}.service` : value;
  if (SYSTEM_UNITS.test(full)) {
    return [error(`systemd unit "${full}" belongs to the system, not to a service omnitron runs`, {
      detail: 'omnitron starts, restarts and on destroy stops and disables the unit it is given: name the unit your service installs (e.g. "elasticsearch.service")', ...where,
    })];
  }
  const bytes = Buffer.byteLength(full);
  return bytes > 255 ? [error(`systemd unit "${value.slice(0, 20)}..." is ${bytes} bytes long, more than 255`, { detail: 'systemd unit names are at most 255 bytes; shorten it', ...where })] : [];
}

/** Absolute and normalised (the systemd provider writes nothing else), no control characters, within the file system's limits. */
export function checkAbsolutePath(what: string, value: string, where: Where): Diagnostic[] {
  const fix = 'write an absolute path without ".", ".." or "//" segments and without a trailing "/", e.g. "/etc/elasticsearch/elasticsearch.yml"';
  if (!value.startsWith('/') || value === '/' || path.posix.normalize(value) !== value || value.endsWith('/')) return [invalid(what, value, fix, where)];
  if (/[\x00-\x1f\x7f]/.test(value)) return [invalid(what, value, `a path with control characters cannot be written safely; ${fix}`, where)];
  const long = value.split('/').find((segment) => Buffer.byteLength(segment) > 255);
  if (long !== undefined || Buffer.byteLength(value) > 4095) return [invalid(what, value, 'a file name is at most 255 bytes and a path at most 4095; shorten it', where)];
  return [];
}

function checkDataDir(value: string, where: Where): Diagnostic[] {
  const invalidPath = checkAbsolutePath('dataDir', value, where);
  if (invalidPath.length > 0 || !SYSTEM_DIRS.has(value)) return invalidPath;
  return [error(`dataDir "${value}" is a system directory`, { detail: 'omnitron gives the data directory to the service\'s user with mode 0750; use one of its own, e.g. "/var/lib/elasticsearch"', ...where })];
}
