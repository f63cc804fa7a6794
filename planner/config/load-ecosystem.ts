/**
 * Config file → Ecosystem: import the file, check its shape (unknown keys warn), normalise apps
 * (reading each app's config/default.json), services and stacks with real Omnitron's defaults, then
 * cross-check references. The Ecosystem is returned only when there are no errors.
 */
import { dirname, resolve } from 'node:path';
import { UserError, error, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { Ecosystem } from './model.js';
import { describeValue } from '../../contract/field-path.js';
import { importConfig } from './import-config.js';
import { normalizeApps } from './normalize-apps.js';
import { normalizeInfrastructure } from './legacy-infrastructure.js';
import { normalizeStacks } from './normalize-stacks.js';
import { checkBackoff, loggingOf, monitoringOf, restartPolicyOf, supervisionOf } from './runtime-settings.js';
import { checkDiscovery, discoveryOf } from './discovery-settings.js';
import { schemaPair, type RawEcosystem, type RawSupervision } from './schema.js';
import { checkName } from './service-name.js';
import { at, within, type SourceContext } from './source-context.js';
import { validateEcosystem } from './validate-ecosystem.js';
import { checkShape } from './zod-diagnostics.js';
import { normalizeState } from './state-config.js';
import type { StateConfig } from '../state/state-url.js';

export interface LoadOptions {
  /** The config file (absolute, or relative to the process cwd). */
  file: string;
  /** Unknown keys are errors instead of warnings. */
  strict?: boolean;
}

export interface LoadResult { ecosystem?: Ecosystem; diagnostics: Diagnostic[] }

export const DEFAULT_PROJECT = 'default';

export async function loadEcosystem(opts: LoadOptions): Promise<LoadResult> {
  const file = resolve(opts.file);
  let raw: unknown;
  try {
    raw = await importConfig(file);
  } catch (e) {
    if (e instanceof UserError) return { diagnostics: e.diagnostics };
    throw e;
  }
  return loadEcosystemFromObject(raw, { ...opts, file });
}

/** Synchronous: reads the apps' config/default.json files with readFileSync. */
export function loadEcosystemFromObject(raw: unknown, opts: LoadOptions): LoadResult {
  const file = resolve(opts.file);
  const ctx: SourceContext = { file, root: dirname(file), prefix: [], strict: opts.strict ?? false };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { diagnostics: [error(`the config exports ${describeValue(raw)}, not an ecosystem`, { detail: 'export default defineEcosystem({ project, apps: [...] })', file })] };
  }
  const top = checkShape(schemaPair('ecosystem'), raw, ctx);
  if (!top.data) return { diagnostics: top.diagnostics };
  const built = build(top.data, ctx);
  const diagnostics = [...top.diagnostics, ...built.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  diagnostics.push(...validateEcosystem(built.ecosystem));
  return hasErrors(diagnostics) ? { diagnostics } : { ecosystem: built.ecosystem, diagnostics };
}

function build(raw: RawEcosystem, ctx: SourceContext): { ecosystem: Ecosystem; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const section = <K extends 'infrastructure' | 'supervision' | 'monitoring' | 'logging' | 'discovery'>(name: K) => {
    if (raw[name] === undefined) return undefined;
    const shape = checkShape(schemaPair(name), raw[name], within(ctx, name));
    diagnostics.push(...shape.diagnostics);
    return shape.data;
  };
  const infrastructure = section('infrastructure');
  const supervision = section('supervision');
  const monitoring = section('monitoring');
  const logging = section('logging');
  const discovery = discoveryOf(section('discovery'));
  diagnostics.push(...checkDiscovery(discovery, (field) => at(ctx, 'discovery', field)));
  const state = stateOf(raw.state, ctx, diagnostics);
  const project = raw.project ?? DEFAULT_PROJECT;
  const apps = normalizeApps(raw.apps, ctx);
  const services = normalizeInfrastructure(infrastructure, within(ctx, 'infrastructure'));
  const stacks = normalizeStacks(raw.stacks, ctx);
  diagnostics.push(...checkName('project', project, at(ctx, 'project')), ...apps.diagnostics, ...services.diagnostics, ...stacks.diagnostics);
  const supervisionSpec = supervisionOf(supervision);
  diagnostics.push(...checkBackoff(supervisionSpec.backoff, supervision?.backoff, (field) => at(ctx, 'supervision', 'backoff', field)));
  for (const app of apps.apps.filter((a) => a.restartPolicy?.backoff)) {
    const raw = app.restartPolicy!.backoff as RawSupervision['backoff'];
    diagnostics.push(...checkBackoff(restartPolicyOf(supervisionSpec, app.restartPolicy).backoff, raw, (field) => at(ctx, 'apps', app.index, 'restartPolicy', 'backoff', field)));
  }
  const ecosystem: Ecosystem = {
    project,
    file: ctx.file,
    root: ctx.root,
    apps: apps.apps,
    services: services.services,
    supervision: supervisionSpec,
    monitoring: monitoringOf(monitoring),
    logging: loggingOf(logging),
    discovery,
    stacks: stacks.stacks,
    ...(state ? { state } : {}),
  };
  return { ecosystem, diagnostics };
}

function stateOf(raw: unknown, ctx: SourceContext, diagnostics: Diagnostic[]): StateConfig | undefined {
  if (raw === undefined) return undefined;
  const shape = checkShape(schemaPair('state'), raw, within(ctx, 'state'));
  diagnostics.push(...shape.diagnostics);
  if (!shape.data) return undefined;
  const normalized = normalizeState(shape.data, within(ctx, 'state'));
  diagnostics.push(...normalized.diagnostics);
  return normalized.state;
}
