/**
 * `bareMetal.packages`: the Debian packages a custom service needs, as apt names (`"redis-server"`) or
 * `{ name, version }` with a semver range the installed version must satisfy (Debian versions are
 * coerced: `5:7.0.15-1~deb12u1` is 7.0.15).
 */
import semver from 'semver';
import { error, type Diagnostic } from '../diagnostics.js';
import { describeValue } from '../../contract/field-path.js';
import type { BareMetalPackageConfig, BareMetalServiceConfig } from './define.js';
import { at, within, type SourceContext } from './source-context.js';

/** Debian policy: lower case letters, digits and `+ - .`, at least two characters, starting with a letter or digit. */
export const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

export interface PackageSpec { name: string; version?: string }

export function packagesOf(bm: Pick<BareMetalServiceConfig, 'packages'>): PackageSpec[] {
  return (bm.packages ?? []).map((p: string | BareMetalPackageConfig) => (typeof p === 'string' ? { name: p } : { name: p.name, ...(p.version !== undefined ? { version: p.version } : {}) }));
}

export function checkPackages(bm: Pick<BareMetalServiceConfig, 'packages'>, ctx: SourceContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  packagesOf(bm).forEach((p, i) => {
    const item = within(ctx, 'packages', i);
    const where = typeof bm.packages?.[i] === 'string' ? at(ctx, 'packages', i) : at(item, 'name');
    if (!DEBIAN_PACKAGE.test(p.name)) {
      const split = /^([a-z0-9][a-z0-9+.-]+)[@ ]*([<>=^~].*)$/.exec(p.name);
      const hint = split ? `; a version range goes in its own field: { name: "${split[1]}", version: "${split[2]}" }` : '';
      out.push(error(`invalid Debian package name ${describeValue(p.name)}`, { detail: `lower-case letters, digits and "+-.", starting with a letter or digit, as apt names it (e.g. "redis-server")${hint}`, ...where }));
    } else if (seen.has(p.name)) {
      out.push(error(`package "${p.name}" is listed twice`, { detail: 'list each package once; give it one version range', ...where }));
    }
    seen.add(p.name);
    if (p.version !== undefined && semver.validRange(p.version) === null) {
      out.push(error(`package "${p.name}": version ${describeValue(p.version)} is not a semver range`, { detail: 'write it like ">=7", "^7.0" or "7.x"; the installed Debian version is compared as x.y.z', ...at(item, 'version') }));
    }
  });
  return out;
}
