/**
 * The node manifest `omnitron apply` writes for the agent: which apps run on this node, how they are
 * supervised, where state, logs and the control socket live, and the public key that control tokens
 * must verify against. Strict: an unknown key means the CLI and the agent disagree on the format.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
// zod/mini: the same checks and issues as zod, at a fraction of the agent's memory (it runs on every node).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { formatPath, type PathSegment } from '../field-path.js';
import { MANIFEST_FORMAT_VERSION, OLDEST_MANIFEST_FORMAT_VERSION } from './manifest-version.js';

export { MANIFEST_FORMAT_VERSION };

// zod/mini carries no messages of its own; the English ones name what was expected and received.
z.config(en());

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const name = z.string().check(z.regex(NAME, 'expected letters, digits, "_", "." or "-" (not leading)'));
const absolute = z.string().check(z.refine((p) => path.isAbsolute(p), 'expected an absolute path'));
const ms = z.int().check(z.nonnegative());
const positive = z.int().check(z.positive());
const nonEmpty = z.string().check(z.minLength(1));

const backoffSchema = z.strictObject({ type: z.enum(['exponential', 'linear', 'fixed']), initial: ms, max: ms, factor: z.number().check(z.positive()) });
const restartSchema = z.strictObject({ strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one']), maxRestarts: ms, window: positive, backoff: backoffSchema });
const healthSchema = z.strictObject({ type: z.enum(['http', 'tcp', 'command']), target: nonEmpty, interval: positive, timeout: positive, failureThreshold: positive });
const logsSchema = z.strictObject({ maxSize: positive, maxFiles: positive, compress: z.boolean() });

/** Ed25519 public JWK; a private key (with "d") does not belong on a node. */
const publicKeySchema = z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: nonEmpty })
  .check(z.refine((k) => !('d' in k), 'holds a private key ("d"); the agent needs only the public half'));

/**
 * Register this node and its apps' services in Redis (titan-discovery layout). The URL, which holds
 * the Redis password, is not in the manifest: the agent reads it from its own environment.
 */
const discoverySchema = z.strictObject({
  redisUrlEnv: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')),
  nodeId: nonEmpty,
  /** `host:port` other nodes reach this one at. */
  address: z.string().check(z.regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d+$/, 'expected host:port ([host]:port for IPv6)')),
  redisPrefix: nonEmpty,
  heartbeatInterval: positive,
  heartbeatTTL: positive,
  pubSubEnabled: z.boolean(),
  pubSubChannel: nonEmpty,
  /** Manifest apps whose services this node announces (name = app name, version from its defineSystem). */
  apps: z.array(name),
});

const appSchema = z.strictObject({
  name,
  bootstrap: z.optional(absolute),
  script: z.optional(absolute),
  cwd: absolute,
  envFile: absolute,
  user: z.optional(nonEmpty),
  /** Changes with the app's code; the agent restarts an app whose revision changed (and tells it, in OMNITRON_APP_REVISION). */
  revision: z.optional(nonEmpty),
  dependsOn: z.array(name),
  critical: z.boolean(),
  /** Copies of a single-process app, each with PORT offset by its index (format 2). */
  instances: z.optional(positive),
  startupTimeout: positive,
  health: z.optional(healthSchema),
  shutdown: z.strictObject({ priority: z.int(), timeout: positive }),
  restart: restartSchema,
  logs: logsSchema,
});

export const manifestSchema = z.strictObject({
  formatVersion: z.int().check(z.gte(OLDEST_MANIFEST_FORMAT_VERSION), z.lte(MANIFEST_FORMAT_VERSION)),
  project: nonEmpty,
  stack: nonEmpty,
  node: name,
  stateDir: absolute,
  logDir: absolute,
  controlSocket: absolute,
  publicKey: publicKeySchema,
  metricsInterval: positive,
  apps: z.array(appSchema),
  discovery: z.optional(discoverySchema),
}).check(z.superRefine(checkApps));

export type AgentManifest = z.infer<typeof manifestSchema>;
export type ManifestApp = AgentManifest['apps'][number];
export type ManifestDiscovery = NonNullable<AgentManifest['discovery']>;

function checkApps(manifest: { apps: Array<z.infer<typeof appSchema>>; discovery?: z.infer<typeof discoverySchema> }, ctx: z.core.$RefinementCtx): void {
  const names = new Set<string>();
  manifest.apps.forEach((app, i) => {
    if (names.has(app.name)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'name'], message: `duplicate app "${app.name}"` });
    names.add(app.name);
    if (!app.bootstrap === !app.script) ctx.addIssue({ code: 'custom', path: ['apps', i], message: 'set exactly one of "bootstrap" or "script"' });
  });
  manifest.apps.forEach((app, i) => app.dependsOn.forEach((dep, j) => {
    if (!names.has(dep)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'dependsOn', j], message: `unknown app "${dep}"` });
  }));
  manifest.discovery?.apps.forEach((app, i) => {
    if (!names.has(app)) ctx.addIssue({ code: 'custom', path: ['discovery', 'apps', i], message: `unknown app "${app}"` });
  });
}

/** Validates parsed JSON; `where` names the file in every error. */
export function parseManifest(raw: unknown, where: string): AgentManifest {
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > MANIFEST_FORMAT_VERSION) {
    throw new Error(`${where}: manifest format ${version} is newer than this agent understands (${MANIFEST_FORMAT_VERSION}); update the agent`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 8).map((issue) => `  ${formatPath(issue.path as PathSegment[]) || '(root)'}: ${describe(issue)}`);
  const more = parsed.error.issues.length > 8 ? [`  ... and ${parsed.error.issues.length - 8} more`] : [];
  throw new Error([`${where}: invalid agent manifest`, ...lines, ...more].join('\n'));
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `missing required field (expected ${issue.expected})`;
  return issue.message;
}

export async function readManifest(file: string): Promise<AgentManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read agent manifest ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(raw, file);
}
