/**
 * Every command omnitron runs on a node, as argv arrays (the transport quotes them, once). Multi-step
 * operations are fixed scripts run as `sh -c SCRIPT name ARG…`: values arrive as positional parameters
 * and are only ever used inside double quotes, never pasted into the script text.
 */

export const INPUTS_DIR = '/var/lib/omnitron/inputs';
export const UNIT_DIR = '/etc/systemd/system';
/** apt waits this long for another dpkg (unattended-upgrades) instead of failing at once. */
const APT_LOCK_WAIT = 'DPkg::Lock::Timeout=300';

export const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' } as const;

export const systemctl = (verb: string, unit: string): string[] => ['systemctl', verb, '--', unit];
export const daemonReload = (): string[] => ['systemctl', 'daemon-reload'];
export const resetFailed = (unit: string): string[] => systemctl('reset-failed', unit);
export const unitState = (unit: string): string[] => ['systemctl', 'show', '-p', 'ActiveState,SubState,NRestarts,ExecMainCode,ExecMainStatus', '--', unit];
export const journal = (unit: string, lines = 30): string[] => ['journalctl', `--unit=${unit}`, '-n', String(lines), '--no-pager', '-o', 'short-iso'];

export const aptUpdate = (): string[] => ['apt-get', '-o', APT_LOCK_WAIT, '-q', 'update'];
export const aptInstall = (name: string): string[] => ['apt-get', '-o', APT_LOCK_WAIT, '-q', 'install', '-y', '--no-install-recommends', name];
export const installedVersion = (name: string): string[] => ['dpkg-query', '-W', '-f=${Version}', '--', name];

export interface UserSpec { name: string; home: string; shell: string; system: boolean }

/** System users get no home created (and no skeleton files); directories for them are node_directory's job. */
export function useradd(u: UserSpec): string[] {
  const home = u.system ? ['--no-create-home'] : ['--create-home'];
  return ['useradd', ...(u.system ? ['--system'] : []), '--user-group', '--home-dir', u.home, ...home, '--shell', u.shell, '--', u.name];
}

/** A system account with its own group and no login, unless one by that name exists already. */
export function ensureSystemUser(name: string, home: string): string[] {
  return script('omnitron-service-user', [
    'name=$1; home=$2',
    'getent passwd "$name" >/dev/null && exit 0',
    'useradd --system --user-group --no-create-home --home-dir "$home" --shell /usr/sbin/nologin -- "$name"',
  ].join('\n'), [name, home]);
}

export const usermod = (u: UserSpec): string[] => ['usermod', '--home', u.home, '--shell', u.shell, '--', u.name];
/** Leaves the home directory: it may hold data the operator wants. */
export const userdel = (name: string): string[] => ['userdel', '--', name];

export const installDir = (path: string, mode: string, owner: string, group: string): string[] =>
  ['install', '-d', '-m', mode, '-o', owner, '-g', group, '--', path];
export const chown = (owner: string, group: string, path: string): string[] => ['chown', `${owner}:${group}`, '--', path];
export const chmod = (mode: string, path: string): string[] => ['chmod', mode, '--', path];
export const removeFile = (path: string): string[] => ['rm', '-f', '--', path];
export const removeEmptyDir = (path: string): string[] => ['rmdir', '--', path];
export const removeTree = (path: string): string[] => ['rm', '-rf', '--', path];

function script(name: string, body: string, args: readonly string[]): string[] {
  return ['sh', '-c', `set -eu\n${body}`, name, ...args];
}

/**
 * Records the inputs a service was (re)started with, the reload inputs it was last reloaded with (a
 * `reload` line only when the service has them), and the hash of the unit file it runs from.
 */
export function writeInputsMarker(unit: string, inputs: string, reloadInputs?: string): string[] {
  return script('omnitron-marker', [
    'dir=$1; unit=$2; inputs=$3',
    'frag=$(systemctl show -p FragmentPath --value -- "$unit")',
    'sum=; if [ -n "$frag" ] && [ -f "$frag" ]; then sum=$(sha256sum < "$frag"); sum=${sum%% *}; fi',
    'mkdir -p -- "$dir"',
    '{',
    '  printf \'inputs %s\\nunit %s\\n\' "$inputs" "$sum"',
    '  if [ $# -ge 4 ]; then printf \'reload %s\\n\' "$4"; fi',
    '} > "$dir/.$unit.tmp"',
    'mv -f -- "$dir/.$unit.tmp" "$dir/$unit"',
  ].join('\n'), [INPUTS_DIR, unit, inputs, ...(reloadInputs === undefined ? [] : [reloadInputs])]);
}

export function inputsMarkerPath(unit: string): string {
  return `${INPUTS_DIR}/${unit}`;
}

/**
 * Moves an uploaded artifact into place after checking its sha256: gunzips first when `gz` is 1, so
 * what is verified is what will run. A mismatch leaves the old file untouched.
 */
export function placeArtifact(uploaded: string, dest: string, sha256: string, mode: string, gz: boolean): string[] {
  return script('omnitron-artifact', [
    'up=$1; dest=$2; want=$3; mode=$4; gz=$5',
    'tmp="$dest.omnitron-new"',
    'trap \'rm -f -- "$up" "$tmp"\' EXIT',
    'if [ "$gz" = 1 ]; then gunzip -c -- "$up" > "$tmp"; else mv -f -- "$up" "$tmp"; fi',
    'got=$(sha256sum < "$tmp"); got=${got%% *}',
    'if [ "$got" != "$want" ]; then echo "sha256 of the uploaded file is $got, expected $want" >&2; exit 3; fi',
    'chmod -- "$mode" "$tmp"',
    'mv -f -T -- "$tmp" "$dest"',
    // Lets the probe skip re-hashing a large file that has not changed since (size and mtime still match).
    'printf \'%s %s\\n\' "$want" "$(stat -c \'%s %Y\' -- "$dest")" > "$dest.omnitron-sha256"',
  ].join('\n'), [uploaded, dest, sha256, mode, gz ? '1' : '0']);
}

/** Checks the uploaded tarball, extracts it into `<root>/releases/<release>` (via a partial dir) owned by `owner`. */
export function extractRelease(uploaded: string, root: string, release: string, tarballSha256: string, owner: string): string[] {
  return script('omnitron-release', [
    'up=$1; root=$2; rel=$3; want=$4; owner=$5',
    'part="$root/releases/.$rel.partial"',
    'trap \'rm -rf -- "$up" "$part"\' EXIT',
    'got=$(sha256sum < "$up"); got=${got%% *}',
    'if [ "$got" != "$want" ]; then echo "sha256 of the uploaded release $rel is $got, expected $want" >&2; exit 3; fi',
    'rm -rf -- "$part"; mkdir -p -- "$part"',
    'tar -xzf "$up" -C "$part" --no-same-owner',
    'chown -R -- "$owner:" "$part"',
    'mv -T -- "$part" "$root/releases/$rel"',
  ].join('\n'), [uploaded, root, release, tarballSha256, owner]);
}

/** Points `<root>/current` at the release atomically (symlink under a temp name, then rename), then prunes. */
export function switchRelease(root: string, release: string, keep: string): string[] {
  return script('omnitron-switch', [
    'root=$1; rel=$2; keep=$3',
    'ln -sfn -- "releases/$rel" "$root/.current.tmp"',
    'mv -f -T -- "$root/.current.tmp" "$root/current"',
    'for d in "$root"/releases/*; do',
    '  [ -e "$d" ] || continue',
    '  name=${d##*/}',
    '  if [ "$name" != "$rel" ] && [ "$name" != "$keep" ]; then rm -rf -- "$d"; fi',
    'done',
  ].join('\n'), [root, release, keep]);
}
