/**
 * One test file's private copy of examples/platform: a unique project name and free host ports, so
 * files never collide with each other or with `npm run demo`, plus the CLI bound to that copy.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../../../dist/providers/local/index.js';
import { REPO_ROOT, runCli, startCli, type CliResult, type RunningCli } from './cli.js';
import { anonymousVolumes, docker, removeProjectObjects } from './docker.js';
import { freePorts } from './ports.js';

export const APPS = ['auth', 'media', 'analytics', 'ledger', 'realtime'] as const;
export type AppName = (typeof APPS)[number];
export const SERVICES = ['postgres', 'redis', 'pubsub'] as const;
export type ServiceName = (typeof SERVICES)[number];

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
  const [postgres, redis, pubsub] = await freePorts(3);
  await copyExample(dir);
  await rewrite(join(dir, CONFIG), [[`project: 'platform'`, `project: '${project}'`], ['main: 15432', `main: ${postgres}`], ['main: 16379', `main: ${redis}`]]);
  await rewrite(join(dir, REALTIME_CONFIG), [['"main": 16380', `"main": ${pubsub}`]]);
  const keyFile = join(root, 'state.key');
  const env = cliEnv(keyFile);
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
    ports: { postgres, redis, pubsub },
    statePath: join(stackDir, 'state.json'),
    lockPath: join(stackDir, 'state.lock'),
    run: async (...args) => {
      if (args[0] === 'apply' || args[0] === 'destroy') await noteAnonymousVolumes();
      return record(await runCli(args, { cwd: dir, env }));
    },
    start: (...args) => {
      const running = startCli(args, { cwd: dir, env });
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
        await noteAnonymousVolumes();
        await removeProjectObjects(project);
        if (anonymous.size) await docker('volume', 'rm', '-f', ...anonymous);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

/** The example without its own `.omnitron` (the demo's state); apps resolve pg/ioredis through a node_modules link. */
async function copyExample(dir: string): Promise<void> {
  await cp(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](\.omnitron|node_modules)$/.test(src) });
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

async function rewrite(file: string, replacements: [string, string][]): Promise<void> {
  let text = await readFile(file, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} no longer contains ${from}; update test/e2e/support/project.ts`);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
}

function cliEnv(keyFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', OMNITRON_STATE_KEY_FILE: keyFile };
  delete env.OMNITRON_STATE_KEY;
  return env;
}
