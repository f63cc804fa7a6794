/**
 * The real probe script under this machine's sh, with a directory put first on its PATH that holds
 * wrappers around the tools it runs: each appends its argv to a log, then execs the real tool, so a test
 * can see which commands a run started. This machine runs no systemd, so `systemctl` there is a fake
 * that prints `systemctl show -p … -- UNIT…` as systemd 252 does on the test bed's nodes: a warning on
 * stderr for each name it has to escape (before any output), then one block per unit in argument order,
 * blank lines between, for the units described in `<dir>/units/<name>`, and not-found blocks for the rest.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeRequests, parseProbeOutput, PROBE_SCRIPT, type ProbeRequest, type RawAnswer } from '../../../providers/systemd/probe.js';

const WRAPPED = ['dpkg-query', 'sha256sum', 'getent', 'id', 'mktemp', 'rm', 'cat', 'stat', 'readlink', 'base64'];

const wrapper = (log: string, real: string) => `#!/bin/sh
printf '%s\\n' "\${0##*/} $*" >> '${log}'
exec ${real} "$@"
`;

const fakeSystemctl = (log: string, units: string) => `#!/bin/sh
printf '%s\\n' "systemctl $*" >> '${log}'
[ "$1 $2 $4" = "show -p --" ] || { echo "fake systemctl: only show -p PROPS -- UNIT..." >&2; exit 1; }
shift 4
for u in "$@"; do
  [ -n "$u" ] || { echo 'Failed to mangle name: Invalid argument' >&2; exit 1; }
  case $u in *[!A-Za-z0-9:_.@-]*) printf 'Invalid unit name "%s" escaped as "%s" (maybe you should use systemd-escape?).\\n' "$u" "$u" >&2 ;; esac
done
sep=
for u in "$@"; do
  printf '%s' "$sep"; sep='
'
  if [ -f '${units}'/"$u" ]; then cat '${units}'/"$u"
  else printf 'NRestarts=0\\nExecMainCode=0\\nExecMainStatus=0\\nLoadState=not-found\\nActiveState=inactive\\nSubState=dead\\nFragmentPath=\\nUnitFileState=\\nNeedDaemonReload=no\\n'; fi
done
`;

export interface LocalProbe {
  /** Answers by request, and the commands (`tool args…`) the run started among the wrapped ones. */
  run(requests: ProbeRequest[]): { answers: RawAnswer[]; commands: string[] };
  /** A loaded service unit systemctl knows, loaded from `fragment` (which need not exist). */
  addUnit(name: string, fragment: string): void;
}

export function localProbe(dir: string): LocalProbe {
  const tools = path.join(dir, 'tools');
  const units = path.join(dir, 'units');
  const log = path.join(dir, 'commands.log');
  mkdirSync(tools, { recursive: true });
  mkdirSync(units, { recursive: true });
  for (const tool of WRAPPED) writeFileSync(path.join(tools, tool), wrapper(log, `/usr/bin/${tool}`));
  writeFileSync(path.join(tools, 'systemctl'), fakeSystemctl(log, units));
  for (const tool of [...WRAPPED, 'systemctl']) chmodSync(path.join(tools, tool), 0o755);
  const script = PROBE_SCRIPT.replace('\nPATH=', `\nPATH=${tools}:`);
  if (script === PROBE_SCRIPT) throw new Error('the probe script no longer sets PATH: update localProbe');
  return {
    run(requests) {
      writeFileSync(log, '');
      const result = spawnSync('sh', ['-c', script, 'omnitron-probe'], { input: encodeRequests(requests), cwd: dir, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`the probe exited with ${result.status}: ${result.stderr}`);
      const commands = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return { answers: parseProbeOutput(result.stdout, requests.length), commands };
    },
    addUnit(name, fragment) {
      const block = `NRestarts=0\nExecMainCode=0\nExecMainStatus=0\nLoadState=loaded\nActiveState=active\nSubState=running\nFragmentPath=${fragment}\nUnitFileState=enabled\nNeedDaemonReload=no\n`;
      writeFileSync(path.join(units, name), block);
    },
  };
}

