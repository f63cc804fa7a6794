/**
 * Runs one app on a node until the node agent (runtime supervisor) takes over this job: reads the
 * app's env file, loads its bootstrap (`defineSystem`), and runs each process whose `module` is a Node
 * entry file as a child process. If any child exits, the others are stopped and the launcher exits
 * with that status, so systemd's restart policy applies. Started by the app's systemd unit:
 *   node launch.mjs --env /etc/omnitron/env/<app>.env --bootstrap /opt/omnitron/apps/<app>/current/dist/bootstrap.js
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { processIdentity, readEnvFile } from './agent/env-file.js';
import { loadSystemDefinition, type SystemProcess } from './agent/system-definition.js';

const STOP_GRACE_MS = 10_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function usage(message: string): never {
  process.stderr.write(`omnitron launcher: ${message}\n  usage: launch.mjs --env FILE (--bootstrap FILE | --script FILE --app NAME)\n`);
  process.exit(2);
}

/** A bootstrap's processes, or a classic `script` app as one process. */
async function processesOf(): Promise<{ app: string; dir: string; processes: SystemProcess[] }> {
  const bootstrap = option('bootstrap');
  if (bootstrap) {
    const definition = await loadSystemDefinition(path.resolve(bootstrap));
    return { app: definition.name, dir: path.dirname(path.resolve(bootstrap)), processes: definition.processes };
  }
  const script = option('script') ?? usage('one of --bootstrap or --script is required');
  return { app: option('app') ?? path.basename(script), dir: path.dirname(path.resolve(script)), processes: [{ name: 'main', module: path.basename(script) }] };
}

async function main(): Promise<void> {
  const env = { ...process.env, ...readEnvFile(option('env') ?? usage('--env is required')) };
  const { app, dir, processes } = await processesOf();
  const children = processes.map((p) => start(p, dir, env, app));
  const stopAll = (signal: NodeJS.Signals) => { for (const c of children) if (c.exitCode === null) c.kill(signal); };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => { stopAll('SIGTERM'); setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref(); });
  const first = await Promise.race(children.map((c) => new Promise<number>((resolve) => c.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))));
  stopAll('SIGTERM');
  process.exitCode = first;
}

function start(entry: SystemProcess, dir: string, env: NodeJS.ProcessEnv, app: string): ChildProcess {
  const child = fork(path.resolve(dir, entry.module), [], { env: { ...env, ...processIdentity(app, entry.name) }, stdio: 'inherit' });
  child.on('message', (message: unknown) => {
    if ((message as { type?: string })?.type === 'ready') process.stdout.write(`${app}/${entry.name} ready\n`);
  });
  return child;
}

main().catch((err: unknown) => {
  process.stderr.write(`omnitron launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
