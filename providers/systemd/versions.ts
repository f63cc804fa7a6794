/**
 * Versions as nodes report them, made comparable with semver ranges: Debian package versions
 * (`[epoch:]upstream[-revision]`) and the first `x.y[.z]` a program prints about itself.
 */
import semver from 'semver';

/** `5:7.0.15-1~deb12u1` → 7.0.15, `15+248` → 15.0.0, `1:9.2p1-2+deb12u3` → 9.2.0; undefined when nothing numeric. */
export function coerceDebianVersion(version: string): string | undefined {
  const withoutEpoch = version.replace(/^\d+:/, '');
  const dash = withoutEpoch.lastIndexOf('-');
  const upstream = dash > 0 ? withoutEpoch.slice(0, dash) : withoutEpoch;
  return semver.coerce(upstream)?.version;
}

/** The first `x.y` or `x.y.z` in a program's output, as printed (e.g. `15.8`), or undefined. */
export function findVersion(output: string): string | undefined {
  return /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output)?.[0];
}

/** Whether a printed or Debian version satisfies the range; undefined when the range itself is invalid. */
export function satisfiesRange(version: string, range: string, coerce: (v: string) => string | undefined): boolean | undefined {
  if (semver.validRange(range) === null) return undefined;
  const comparable = coerce(version);
  return comparable !== undefined && semver.satisfies(comparable, range);
}

export function coercePrinted(version: string): string | undefined {
  return semver.coerce(version)?.version;
}
