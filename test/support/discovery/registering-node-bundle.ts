/** The esbuild bundle of registering-node.ts, a registering node run as its own process; `spawn` starts one. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

export interface RegisteringNodeArgs { port: number; prefix: string; channel: string; nodeId: string; interval: number; ttl: number }

export interface RegisteringNodeBundle {
  spawn(args: RegisteringNodeArgs): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> };
  remove(): void;
}

export async function buildRegisteringNode(): Promise<RegisteringNodeBundle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omnitron-discovery-'));
  const bundle = path.join(dir, 'node.mjs');
  await build({
    bundle: true, platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning', outfile: bundle,
    entryPoints: [path.join(import.meta.dirname, 'registering-node.ts')],
    banner: { js: "import { createRequire as __omnitronCreateRequire } from 'node:module'; const require = __omnitronCreateRequire(import.meta.url);" },
  });
  return {
    spawn: (a) => {
      const argv = [String(a.port), a.prefix, a.channel, a.nodeId, String(a.interval), String(a.ttl)];
      const child = spawn(process.execPath, [bundle, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      return { child, exited };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
