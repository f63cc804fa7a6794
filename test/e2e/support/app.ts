/** Starts an example app with its generated env file, as the runtime would, and asks it for /health. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { E2eProject, AppName } from './project.js';
import { freePorts } from './ports.js';

export interface Health {
  status: number;
  body: { app: string; ok: boolean; checks: Record<string, string> };
}

/**
 * Runs `apps/<app>/src/main.js` with exactly the env file's variables (plus PATH), on a free port
 * instead of the file's PORT so parallel runs and the demo never clash; returns its /health answer.
 */
export async function appHealth(p: E2eProject, app: AppName): Promise<Health> {
  const [port] = await freePorts(1);
  // WS_PORT empty: realtime's websocket listener stays off (the running stack's realtime holds that port).
  const env = { ...(await p.readEnv(app)), PORT: String(port), WS_PORT: '', HOST: '127.0.0.1', PATH: process.env.PATH ?? '' };
  const child = spawn(process.execPath, [join(p.dir, 'apps', app, 'src', 'main.js')], { cwd: p.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  p.track(child);
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  try {
    return await pollHealth(port, () => (child.exitCode !== null ? `app ${app} exited (${child.exitCode}):\n${output}` : undefined));
  } finally {
    child.kill('SIGKILL');
  }
}

async function pollHealth(port: number, dead: () => string | undefined): Promise<Health> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const exited = dead();
    if (exited) throw new Error(exited);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: (await res.json()) as Health['body'] };
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
