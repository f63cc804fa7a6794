/**
 * The `tor` preset's `config`: `hiddenServices[{ name, virtualPort, target }]` and `extraTorrc`
 * (lines, or one multi-line string). Checked here so a bad entry names its field path; the torrc is
 * rendered from the parsed value by planner/desired/torrc.ts.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { at, type SourceContext } from './source-context.js';

export interface HiddenService {
  /** Also the directory name under the data directory, so it stays a plain word. */
  name: string;
  virtualPort: number;
  /** `port` or `host:port`, as tor's HiddenServicePort takes it. */
  target: string;
}

export interface TorConfig {
  hiddenServices: HiddenService[];
  extraTorrc: string[];
}

/** Where the preset's image keeps tor's data (keys included): the service's `data` volume. */
export const TOR_DOCKER_DATA_DIR = '/var/lib/tor';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const TARGET = /^(?:[A-Za-z0-9.-]+:|\[[0-9A-Fa-f:]+\]:)?\d{1,5}$/;

export function parseTorConfig(config: Record<string, unknown> | undefined, ctx: SourceContext): { tor: TorConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const raw = config?.hiddenServices;
  const hiddenServices: HiddenService[] = [];
  if (raw !== undefined && !Array.isArray(raw)) diagnostics.push(error('expected an array of { name, virtualPort, target }', at(ctx, 'config', 'hiddenServices')));
  for (const [i, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const parsed = parseHiddenService(entry, i, ctx, diagnostics);
    if (parsed) hiddenServices.push(parsed);
  }
  const seen = new Set<string>();
  for (const [i, hs] of hiddenServices.entries()) {
    if (seen.has(hs.name)) diagnostics.push(error(`hidden service "${hs.name}" is declared twice`, at(ctx, 'config', 'hiddenServices', i, 'name')));
    seen.add(hs.name);
  }
  if (hiddenServices.length === 0 && diagnostics.length === 0) {
    diagnostics.push(error('a tor service needs at least one hidden service', { detail: "add config.hiddenServices: [{ name: 'admin', virtualPort: 80, target: 'host.docker.internal:8080' }]", ...at(ctx, 'config', 'hiddenServices') }));
  }
  return { tor: { hiddenServices, extraTorrc: parseExtraTorrc(config?.extraTorrc, ctx, diagnostics) }, diagnostics };
}

function parseHiddenService(entry: unknown, i: number, ctx: SourceContext, out: Diagnostic[]): HiddenService | undefined {
  const where = (...field: string[]) => at(ctx, 'config', 'hiddenServices', i, ...field);
  if (typeof entry !== 'object' || entry === null) { out.push(error('expected { name, virtualPort, target }', where())); return undefined; }
  const { name, virtualPort, target } = entry as Record<string, unknown>;
  const before = out.length;
  if (typeof name !== 'string' || !NAME.test(name)) out.push(error('expected a name of letters, digits, "-" and "_"', where('name')));
  if (typeof virtualPort !== 'number' || !Number.isInteger(virtualPort) || virtualPort < 1 || virtualPort > 65535) out.push(error('expected a port number (1-65535)', where('virtualPort')));
  const port = typeof target === 'number' ? String(target) : target;
  if (typeof port !== 'string' || !TARGET.test(port)) out.push(error('expected "host:port" or a port number', { detail: "e.g. 'host.docker.internal:8080' or '127.0.0.1:8080'", ...where('target') }));
  return out.length === before ? { name: name as string, virtualPort: virtualPort as number, target: port as string } : undefined;
}

function parseExtraTorrc(raw: unknown, ctx: SourceContext, out: Diagnostic[]): string[] {
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw.split('\n');
  if (Array.isArray(raw) && raw.every((l) => typeof l === 'string')) return raw.flatMap((l: string) => l.split('\n'));
  out.push(error('expected torrc lines (an array of strings, or one string)', at(ctx, 'config', 'extraTorrc')));
  return [];
}
