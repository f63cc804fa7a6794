/**
 * One test file's private copy of examples/platform: a unique project name and free host ports (the
 * services' and, for the dev stack, whose apps the local agent runs on this machine, the apps'), so
 * files never collide with each other or with `npm run demo`, plus the CLI bound to that copy.
 * Cleanup stops the copy's local agent and anything else still running from the copy.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../../../contract/env-file-format.js';
import { REPO_ROOT, runCli, startCli, type CliResult, type RunningCli } from './cli.js';
import { anonymousVolumes, docker, removeProjectObjects } from './docker.js';
import { freePorts } from './ports.js';
import { stopLocalAgent } from './local-agent.js';

export const APPS = ['auth', 'media', 'analytics', 'ledger', 'realtime'] as const;
export type AppName = (typeof APPS)[number];
export const SERVICES = ['postgres', 'redis', 'pubsub'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The ports examples/platform gives its apps (`env: { PORT }`); bare-metal nodes keep them, each node being its own host. */
export const EXAMPLE_APP_PORTS: Readonly<Record<AppName, number>> = { auth: 3101, media: 3102, analytics: 3103, ledger: 3104, realtime: 3105 };
/**
 * Apps' periodic health probes are spaced beyond a test file's life: several files stop or remove
 * Redis and Postgres on purpose, and an app whose /health fails meanwhile is runtime drift, which
 * those files do not test. Readiness (IPC) and restarts on exit do not depend on it.
 */
const APP_HEALTH_INTERVAL_MS = 3_600_000;

const EXAMPLE = join(REPO_ROOT, 'examples/platform');
const CONFIG = 'omnitron.config.ts';
const REALTIME_CONFIG = 'apps/realtime/config/default.json';

export interface E2eProject {
  project: string;
  /** The temp root: holds the project copy and the state key file. */
  root: string;
  dir: string;
  configPath: string;
  keyFile: string;
  ports: Record<ServiceName, number>;
  /** Where the dev stack's S3 server (the minio preset, media's bucket) listens. */
  s3Port: number;
  /** Where the dev stack's apps listen (the local agent runs them on this machine). */
  appPorts: Record<AppName, number>;
  env: NodeJS.ProcessEnv;
  stackDir: string;
  statePath: string;
  lockPath: string;
  /** Every CLI run's stdout and stderr, in order: the secrets checks scan all of it. */
  transcript: string[];
  run(...args: string[]): Promise<CliResult>;
  start(...args: string[]): RunningCli;
  /** Registers a process to be killed in cleanup (apps, background CLIs). */
  track(child: ChildProcess): void;
  containerName(service: ServiceName): string;
  envPath(app: AppName): string;
  readEnv(app: AppName): Promise<Record<string, string>>;
  editConfig(edit: (text: string) => string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createProject(): Promise<E2eProject> {
  const root = await mkdtemp(join(tmpdir(), 'omnitron-e2e-'));
  const dir = join(root, 'platform');
  const project = `e2e${randomBytes(3).toString('hex')}`;
  const [postgres, redis, pubsub, s3Api, s3Console, ...appPortList] = await freePorts(5 + APPS.length);
  const appPorts = Object.fromEntries(APPS.map((app, i) => [app, appPortList[i]])) as Record<AppName, number>;
  await copyExample(dir);
  await rewrite(join(dir, CONFIG), [
    [`project: 'platform'`, `project: '${project}'`], ['main: 15432', `main: ${postgres}`], ['main: 16379', `main: ${redis}`],
    ['api: 19000, console: 19001', `api: ${s3Api}, console: ${s3Console}`],
    ['healthCheck: { interval: 15_000', `healthCheck: { interval: ${APP_HEALTH_INTERVAL_MS}`],
    ...APPS.map((app): [string, string] => [`PORT: '${EXAMPLE_APP_PORTS[app]}'`, `PORT: process.env.${appPortEnv(app)} ?? '${EXAMPLE_APP_PORTS[app]}'`]),
  ]);
  await rewrite(join(dir, REALTIME_CONFIG), [['"main": 16380', `"main": ${pubsub}`]]);
  const keyFile = join(root, 'state.key');
  const env = cliEnv(keyFile);
  const envFor = (args: readonly string[]) => (stackOf(args) === 'dev' ? { ...env, ...Object.fromEntries(APPS.map((a) => [appPortEnv(a), String(appPorts[a])])) } : env);
  const stackDir = join(dir, '.omnitron', 'dev');
  const transcript: string[] = [];
  const children = new Set<ChildProcess>();
  const record = (r: CliResult) => { transcript.push(r.stdout, r.stderr); return r; };
  // Removed containers leave their anonymous volumes behind; remember them so cleanup can remove them.
  const anonymous = new Set<string>();
  const noteAnonymousVolumes = async () => { for (const v of await anonymousVolumes(project)) anonymous.add(v); };
  return {
    project, root, dir, keyFile, env, stackDir, transcript,
    configPath: join(dir, CONFIG),
    ports: { postgres, redis, pubsub }, s3Port: s3Api, appPorts,
    statePath: join(stackDir, 'state.json'),
    lockPath: join(stackDir, 'state.lock'),
    run: async (...args) => {
      if (args[0] === 'apply' || args[0] === 'destroy') await noteAnonymousVolumes();
      return record(await runCli(args, { cwd: dir, env: envFor(args) }));
    },
    start: (...args) => {
      const running = startCli(args, { cwd: dir, env: envFor(args) });
      children.add(running.child);
      void running.done.then(record, () => {});
      return running;
    },
    track: (child) => { children.add(child); },
    containerName: (service) => `${project}-dev-${service}`,
    envPath: (app) => join(stackDir, 'env', `${app}.env`),
    readEnv: async (app) => parseEnv(await readFile(join(stackDir, 'env', `${app}.env`), 'utf8')),
    editConfig: async (edit) => writeFile(join(dir, CONFIG), edit(await readFile(join(dir, CONFIG), 'utf8'))),
    cleanup: async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      try {
        await stopLocalAgent(stackDir, dir);
        await noteAnonymousVolumes();
        await removeProjectObjects(project);
        if (anonymous.size) await docker('volume', 'rm', '-f', ...anonymous);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The example without its own `.omnitron` (the demo's state). Its workspace's node_modules (which
 * `npm run build` installs from the example's lockfile) is linked in: ledger, unbundled, loads ioredis
 * and the workspace packages from there when the dev stack runs it in place.
 */
async function copyExample(dir: string): Promise<void> {
  if (!existsSync(join(EXAMPLE, 'node_modules', '.omnitron-lock-sha256'))) throw new Error('examples/platform/node_modules is not installed; run `npm run build`');
  await cp(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](\.omnitron|node_modules)$/.test(src) });
  await symlink(join(EXAMPLE, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

async function rewrite(file: string, replacements: [string, string][]): Promise<void> {
  let text = await readFile(file, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} no longer contains ${from}; update test/e2e/support/project.ts`);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
}

export function appPortEnv(app: AppName): string {
  return `OMNITRON_E2E_${app.toUpperCase()}_PORT`;
}

/** The stack a CLI invocation works on (`dev` unless `--stack`/`-s` says otherwise). */
function stackOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--stack' || args[i] === '-s') return args[i + 1] ?? 'dev';
    if (args[i].startsWith('--stack=')) return args[i].slice('--stack='.length);
  }
  return 'dev';
}

function cliEnv(keyFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', OMNITRON_STATE_KEY_FILE: keyFile };
  delete env.OMNITRON_STATE_KEY;
  return env;
}
