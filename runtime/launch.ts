/**
 * Runs one app on a node until the node agent (runtime supervisor) takes over this job: reads the
 * app's env file, loads its bootstrap (`defineSystem`), and runs each process whose `module` is a Node
 * entry file as a child process. If any child exits, the others are stopped and the launcher exits
 * with that status, so systemd's restart policy applies. Started by the app's systemd unit:
 *   node launch.mjs --env /etc/omnitron/env/<app>.env --bootstrap /opt/omnitron/apps/<app>/current/dist/bootstrap.js
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from '../providers/local/env-format.js';

interface ProcessEntry { name: string; module: string }
interface SystemDefinition { name: string; processes?: ProcessEntry[] }

const STOP_GRACE_MS = 10_000;
// Bootstraps import defineSystem from the Omnitron package, which is not installed on nodes.
const DEFINE_MODULE = `data:text/javascript,${encodeURIComponent('export const defineSystem = (d) => d; export const defineEcosystem = (d) => d; export default { defineSystem, defineEcosystem };')}`;

function argument(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (!value) { process.stderr.write(`omnitron launcher: missing --${name}\n`); process.exit(2); }
  return value;
}

async function main(): Promise<void> {
  const env = { ...process.env, ...parseEnv(readFileSync(argument('env'), 'utf8')) };
  const bootstrap = path.resolve(argument('bootstrap'));
  registerHooks({
    resolve: (specifier, context, next) => (/^@omnitron-dev\/omnitron(\/config)?$/.test(specifier) ? { url: DEFINE_MODULE, shortCircuit: true } : next(specifier, context)),
  });
  const loaded = (await import(pathToFileURL(bootstrap).href)) as { default?: SystemDefinition };
  const definition = loaded.default;
  if (!definition?.processes?.length) throw new Error(`${bootstrap} does not export a defineSystem({ processes: [...] }) definition`);
  const children = definition.processes.map((p) => start(p, path.dirname(bootstrap), env, definition.name));
  const stopAll = (signal: NodeJS.Signals) => { for (const c of children) if (c.exitCode === null) c.kill(signal); };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => { stopAll('SIGTERM'); setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref(); });
  const first = await Promise.race(children.map((c) => new Promise<number>((resolve) => c.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))));
  stopAll('SIGTERM');
  process.exitCode = first;
}

function start(entry: ProcessEntry, dir: string, env: NodeJS.ProcessEnv, app: string): ChildProcess {
  const child = fork(path.resolve(dir, entry.module), [], { env: { ...env, OMNITRON_APP_NAME: app, OMNITRON_PROCESS_NAME: entry.name }, stdio: 'inherit' });
  child.on('message', (message: unknown) => {
    if ((message as { type?: string })?.type === 'ready') process.stdout.write(`${app}/${entry.name} ready\n`);
  });
  return child;
}

main().catch((err: unknown) => {
  process.stderr.write(`omnitron launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
