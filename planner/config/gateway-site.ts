/**
 * The gateway preset's `config.configDir`: the user's own nginx site (nginx.conf, lua/, pages), read
 * when the config loads so planning stays pure. Files are kept as text by path relative to the
 * directory; placeholders are filled in later, when the stack says where each app runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import { at, type SourceContext } from './source-context.js';
import { compareText } from '../../contract/compare-text.js';

export interface GatewaySite {
  /** Absolute. */
  dir: string;
  /** Relative path (with `/`) → content. */
  files: Record<string, string>;
}

/** The preset's defaults: users get OpenResty's image; nginx listens on 8080 as the seed's config does. */
export const GATEWAY_PRESET = { image: 'openresty/openresty:alpine', port: 8080 } as const;

/** The largest site omnitron ships: configs, Lua and pages, not assets. */
const MAX_FILES = 200;
const MAX_BYTES = 1 << 20;

/** `ctx` points at the service entry; `config` is its raw `config` block. */
export function readGatewaySite(config: Record<string, unknown> | undefined, ctx: SourceContext): { site?: GatewaySite; diagnostics: Diagnostic[] } {
  const configDir = config?.configDir;
  if (configDir === undefined) return { diagnostics: [] };
  const where = at(ctx, 'config', 'configDir');
  if (typeof configDir !== 'string' || configDir === '') return { diagnostics: [error('expected a directory path', where)] };
  const dir = path.resolve(ctx.root, configDir);
  if (!isDirectory(dir)) return { diagnostics: [error(`${configDir} is not a directory (resolved to ${dir})`, where)] };
  const files: Record<string, string> = {};
  const problem = collect(dir, '', files);
  if (problem) return { diagnostics: [error(`${configDir}: ${problem}`, where)] };
  if (!('nginx.conf' in files)) return { diagnostics: [error(`${configDir} has no nginx.conf`, { ...where, detail: 'the gateway runs the nginx.conf at the top of configDir' })] };
  return { site: { dir, files }, diagnostics: [] };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function collect(dir: string, prefix: string, files: Record<string, string>): string | undefined {
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const problem = collect(dir, rel, files);
      if (problem) return problem;
      continue;
    }
    if (!entry.isFile()) continue;
    if (Object.keys(files).length >= MAX_FILES) return `more than ${MAX_FILES} files; keep only the gateway's config, Lua and pages there`;
    const full = path.join(dir, rel);
    if (statSync(full).size > MAX_BYTES) return `${rel} is larger than 1 MB; keep only the gateway's config, Lua and pages there`;
    files[rel] = readFileSync(full, 'utf8');
  }
  return undefined;
}
