/**
 * A private copy of examples/platform for the benchmark: its own project name and host ports, so it
 * never collides with the demo stack (or another run). Fails loudly if the example changed shape.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const PORT_FILES = { 15432: 'omnitron.config.ts', 16379: 'omnitron.config.ts', 16380: 'apps/realtime/config/default.json' };

function rewrite(file, from, to) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`bench: ${file} no longer contains ${from}; update bench/lib/platform-copy.js`);
  writeFileSync(file, text.replaceAll(from, to));
}

const PRODUCTION_NODES = "nodes: [node('db', 'database'), node('cache', 'cache'), node('app', 'app')],";

/** Copies `source` to `target` without its state, and returns the config path. `nodes` replaces the production stack's node list. */
export function copyPlatform(source, target, project, ports, nodes) {
  cpSync(source, target, { recursive: true, filter: (p) => !['.omnitron', 'node_modules'].includes(basename(p)) });
  const config = join(target, 'omnitron.config.ts');
  rewrite(config, "project: 'platform'", `project: '${project}'`);
  Object.entries(PORT_FILES).forEach(([port, file], i) => rewrite(join(target, file), port, String(ports[i])));
  if (nodes) rewrite(config, PRODUCTION_NODES, `nodes: ${nodes},`);
  return config;
}

export const HOST_PORTS_NEEDED = Object.keys(PORT_FILES).length;
