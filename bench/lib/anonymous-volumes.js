/**
 * Anonymous volumes (an image's VOLUME without a named mount, e.g. redis's /data) outlive their
 * containers unless removed explicitly; the benchmark collects those of its own containers before
 * tearing them down and removes them afterwards.
 */
import { spawnSync } from 'node:child_process';

const ANONYMOUS = /^[0-9a-f]{64}$/;

function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

/** Anonymous volumes mounted by containers carrying `label` (`key=value`). */
export function anonymousVolumesOf(label) {
  const ids = docker(['container', 'ls', '-aq', '--filter', `label=${label}`]).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const names = docker(['container', 'inspect', '-f', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', ...ids]);
  return [...new Set(names.split(/\s+/).filter((n) => ANONYMOUS.test(n)))];
}

/** Removes the given volumes that still exist; ignores the ones already gone. */
export function removeVolumes(names) {
  for (const name of names) spawnSync('docker', ['volume', 'rm', name], { stdio: 'ignore' });
}
