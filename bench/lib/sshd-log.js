/**
 * What SSH traffic one command caused on the test nodes, and when, read from each node's sshd journal
 * with `LogLevel DEBUG1`: connections, channels (exec, sftp, tunnels), and a timeline relative to the
 * command's start (the nodes share the host's clock). Changes only the bench's own containers.
 */
import { spawnSync } from 'node:child_process';

const DEBUG_CONF = '/etc/ssh/sshd_config.d/zz-omnitron-bench.conf';
const LOG_LEVEL_DEBUG = `printf 'LogLevel DEBUG1\\n' > ${DEBUG_CONF} && systemctl reload ssh.service`;
const LINE = /^(\d+\.\d+) \S+ sshd\[(\d+)\]: (.*)$/;

function exec(container, argv) {
  const r = spawnSync('docker', ['exec', container, ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker exec ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim()}`);
  return r.stdout;
}

function cursorOf(container) {
  const out = exec(container, ['journalctl', '-u', 'ssh.service', '-n', '1', '-o', 'cat', '--show-cursor']);
  return /-- cursor: (\S+)/.exec(out)?.[1];
}

/** Journal lines after `cursor` as { ms (epoch), pid, text }. */
function entriesSince(container, cursor) {
  const from = cursor ? ['--after-cursor', cursor] : [];
  const out = exec(container, ['journalctl', '-u', 'ssh.service', '-o', 'short-unix', '--no-pager', ...from]);
  return out.split('\n').map((l) => LINE.exec(l)).filter(Boolean).map(([, t, pid, text]) => ({ ms: Number(t) * 1000, pid, text }));
}

/** Each exec channel's run time: from its request to its process's exit, per sshd process and session. */
function execDurations(entries) {
  const started = new Map();
  const durations = [];
  for (const e of entries) {
    const req = /session_input_channel_req: session (\d+) req exec/.exec(e.text);
    if (req) started.set(`${e.pid}:${req[1]}`, e.ms);
    const exit = /session_exit_message: session (\d+) channel/.exec(e.text);
    if (exit && started.has(`${e.pid}:${exit[1]}`)) durations.push(e.ms - started.get(`${e.pid}:${exit[1]}`));
  }
  return durations;
}

function summarise(entries, startedAt) {
  const matching = (re) => entries.filter((e) => re.test(e.text));
  const first = (re) => (matching(re)[0]?.ms ?? NaN) - startedAt;
  const last = (re) => (matching(re).at(-1)?.ms ?? NaN) - startedAt;
  const execs = execDurations(entries);
  return {
    connections: matching(/Accepted publickey for /).length,
    channels: matching(/server_input_channel_open: ctype /).length,
    exec: matching(/session_input_channel_req: session \d+ req exec/).length,
    sftp: matching(/subsystem request for sftp/).length,
    tunnels: matching(/server_input_channel_open: ctype direct-tcpip/).length,
    connectMs: first(/^Connection from /),
    authMs: first(/^Accepted publickey for /),
    longestExecMs: execs.length ? Math.max(...execs) : NaN,
    disconnectMs: last(/^Disconnected from /),
  };
}

/** Runs `fn` once with sshd at DEBUG1 on every container; returns per-node and total figures. */
export async function traceSsh(containers, fn) {
  for (const c of containers) exec(c, ['sh', '-c', LOG_LEVEL_DEBUG]);
  const cursors = containers.map(cursorOf);
  const startedAt = Date.now();
  await fn();
  const endedMs = Date.now() - startedAt;
  await new Promise((done) => setTimeout(done, 300));
  const perNode = containers.map((c, i) => summarise(entriesSince(c, cursors[i]), startedAt));
  const sum = (k) => perNode.reduce((total, n) => total + n[k], 0);
  const total = Object.fromEntries(['connections', 'channels', 'exec', 'sftp', 'tunnels'].map((k) => [k, sum(k)]));
  return { perNode, total, endedMs };
}
