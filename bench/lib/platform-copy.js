/**
 * A private copy of examples/platform for the benchmark: its own project name and host ports, so it
 * never collides with the demo stack (or another run). Fails loudly if the example changed shape.
 */
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const PORT_FILES = { 15432: 'omnitron.config.ts', 16379: 'omnitron.config.ts', 16380: 'apps/realtime/config/default.json', 19000: 'omnitron.config.ts', 19001: 'omnitron.config.ts' };
/** The dev stack's gateway shares the host's network: its port is in the config and in its nginx.conf. */
const GATEWAY_PORT_TEXT = { 'omnitron.config.ts': 'ports: { http: 8080 }', 'infra/nginx/nginx.conf': 'listen 127.0.0.1:8080;' };

function rewrite(file, from, to) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`bench: ${file} no longer contains ${from}; update bench/lib/platform-copy.js`);
  writeFileSync(file, text.replaceAll(from, to));
}

const PRODUCTION_NODES = "nodes: [node('db', 'database'), node('cache', 'cache'), node('app', 'app')],";

/** Copies `source` to `target` without its state, and returns the config path. `nodes` replaces the production stack's node list. */
export function copyPlatform(source, target, project, ports, nodes) {
  cpSync(source, target, { recursive: true, filter: (p) => !['.omnitron', 'node_modules'].includes(basename(p)) });
  // The workspace's dependencies (ledger runs unbundled from them) are shared, not copied.
  if (!existsSync(join(source, 'node_modules'))) throw new Error(`bench: ${source}/node_modules is not installed; run \`npm run build\``);
  symlinkSync(join(source, 'node_modules'), join(target, 'node_modules'), 'dir');
  const config = join(target, 'omnitron.config.ts');
  rewrite(config, "project: 'platform'", `project: '${project}'`);
  Object.entries(PORT_FILES).forEach(([port, file], i) => rewrite(join(target, file), port, String(ports[i])));
  const gateway = String(ports[Object.keys(PORT_FILES).length]);
  for (const [file, text] of Object.entries(GATEWAY_PORT_TEXT)) rewrite(join(target, file), text, text.replace('8080', gateway));
  if (nodes) rewrite(config, PRODUCTION_NODES, `nodes: ${nodes},`);
  return config;
}

export const HOST_PORTS_NEEDED = Object.keys(PORT_FILES).length + 1;
