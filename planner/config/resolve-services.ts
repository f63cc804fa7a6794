/**
 * The services one stack runs: ecosystem and stack declarations (stack wins by name), services the
 * selected apps declare (one shared service per name, first declaration wins), and postgres/redis
 * (and minio for apps asking for s3) auto-provisioned from app requirements unless declared explicitly. Each gets its effective docker
 * config (base → variants[networkMode] → stack override) and the ports apps should connect to.
 */
import { canonicalJson } from '../hash.js';
import type { Json } from '../expr.js';
import { warning, type Diagnostic } from '../diagnostics.js';
import type { AppSpec, DockerServiceSpec, Ecosystem, ResolvedService, ServiceOverride, ServiceRequirement, StackSpec } from './model.js';
import { overlayDocker } from './docker-overlay.js';
import { formatPath } from '../../contract/field-path.js';
import type { DockerOverlay, DockerWithVariants } from './normalize-docker.js';
import { isSupportedPreset, presetRequirement } from './presets.js';
import { checkBucketNames } from './bucket-name.js';

/** `fromApp`: declared by an app (not the ecosystem, a stack or auto-provisioning). */
interface Entry { requirement: ServiceRequirement; declaredBy: string[]; fromApp?: boolean }

export function resolveServices(eco: Ecosystem, stack: StackSpec, apps: readonly AppSpec[]): { services: ResolvedService[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entries = new Map<string, Entry>();
  for (const [name, requirement] of Object.entries({ ...eco.services, ...stack.services })) entries.set(name, { requirement, declaredBy: [] });
  diagnostics.push(...addAppServices(entries, apps), ...addAutoServices(entries, apps));
  const services: ResolvedService[] = [];
  for (const [name, entry] of entries) {
    if (entry.requirement.preset && !isSupportedPreset(entry.requirement.preset)) continue;
    const override = findOverride(stack, name, entry.declaredBy);
    if (override?.disabled) continue;
    const resolved = resolveOne(name, entry, override, stack.type === 'local');
    if (!resolved.docker && !resolved.external && stack.type === 'local') diagnostics.push(nothingToRun(eco, stack, name));
    services.push(resolved);
  }
  diagnostics.push(...pruneDependencies(eco, stack, services));
  return { services: services.sort(byStableOrder), diagnostics };
}

function addAppServices(entries: Map<string, Entry>, apps: readonly AppSpec[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const app of apps) {
    for (const [name, requirement] of Object.entries(app.requirements.infrastructure)) {
      const existing = entries.get(name);
      if (!existing) { entries.set(name, { requirement, declaredBy: [app.name], fromApp: true }); continue; }
      if (existing.fromApp && !sameRequirement(existing.requirement, requirement)) out.push(conflict(name, existing.declaredBy[0], app));
      existing.declaredBy.push(app.name);
    }
  }
  return out;
}

function conflict(name: string, first: string, app: AppSpec): Diagnostic {
  return warning(`service "${name}" is also declared by "${first}", differently; the shared service uses "${first}"'s declaration`, {
    detail: 'apps declaring one service name share one instance; make the declarations equal',
    file: app.requirements.configFile, path: formatPath(['omnitron', 'infrastructure', name]),
  });
}

function sameRequirement(a: ServiceRequirement, b: ServiceRequirement): boolean {
  return canonicalJson(a as unknown as Json) === canonicalJson(b as unknown as Json);
}

function addAutoServices(entries: Map<string, Entry>, apps: readonly AppSpec[]): Diagnostic[] {
  if (apps.some((a) => a.requirements.database) && !entries.has('postgres')) entries.set('postgres', { requirement: presetRequirement('postgres'), declaredBy: [] });
  if (apps.some((a) => a.requirements.redis || a.requirements.discovery || a.requirements.notifications) && !entries.has('redis')) {
    entries.set('redis', { requirement: presetRequirement('redis'), declaredBy: [] });
  }
  if (apps.some((a) => a.requirements.s3) && ![...entries.values()].some((e) => e.requirement.preset === 'minio')) {
    entries.set('minio', { requirement: presetRequirement('minio'), declaredBy: [] });
  }
  return checkBucketNames(apps);
}

/** `app/svc` (for an app that declared the service) wins over `svc`. */
export function findOverride(stack: StackSpec, name: string, declaredBy: readonly string[]): ServiceOverride | undefined {
  for (const app of declaredBy) {
    const o = stack.serviceOverrides[`${app}/${name}`];
    if (o) return o;
  }
  return stack.serviceOverrides[name];
}

/** `inDocker`: a local stack runs services in Docker; on nodes the `docker` block (and its host port mappings) does not apply. */
function resolveOne(name: string, entry: Entry, override: ServiceOverride | undefined, inDocker: boolean): ResolvedService {
  const { requirement, declaredBy } = entry;
  const base = { name, declaredBy: [...declaredBy], requirement: { ...requirement, dependsOn: [...requirement.dependsOn] } };
  if (override?.external) {
    const external = { host: override.external.host, ports: { ...override.external.ports }, secrets: { ...override.external.secrets } };
    return { ...base, external, endpointPorts: { ...requirement.ports, ...external.ports } };
  }
  if (!requirement.docker || !inDocker) return { ...base, endpointPorts: { ...requirement.ports } };
  const docker = effectiveDocker(requirement.docker, requirement.networkMode, override?.docker as DockerOverlay | undefined);
  const endpointPorts = Object.fromEntries(Object.entries(requirement.ports).map(([p, port]) => [p, docker.portMappings[p] ?? port]));
  return { ...base, docker, endpointPorts };
}

/** Host ports come from this effective config, not the base mapping (real Omnitron's env used the base). */
export function effectiveDocker(docker: NonNullable<ServiceRequirement['docker']>, networkMode: string | undefined, override: DockerOverlay | undefined): DockerServiceSpec {
  const { variants, ...base } = docker as DockerWithVariants;
  const variant = networkMode ? variants?.[networkMode] : undefined;
  return overlayDocker(overlayDocker(base, variant), override);
}

function pruneDependencies(eco: Ecosystem, stack: StackSpec, services: ResolvedService[]): Diagnostic[] {
  const names = new Set(services.map((s) => s.name));
  const out: Diagnostic[] = [];
  for (const s of services) {
    const missing = s.requirement.dependsOn.filter((d) => !names.has(d));
    s.requirement.dependsOn = s.requirement.dependsOn.filter((d) => names.has(d));
    for (const dep of missing) {
      out.push(warning(`service "${s.name}" depends on "${dep}", which stack "${stack.name}" does not run; the dependency is dropped`, {
        detail: `"${dep}" is disabled by an override, not yet supported, or declared by an app the stack does not run`, file: eco.file,
      }));
    }
  }
  return out;
}

function nothingToRun(eco: Ecosystem, stack: StackSpec, name: string): Diagnostic {
  return warning(`service "${name}" has no docker block and no external override; omnitron will not run it on local stack "${stack.name}"`, {
    detail: `add a docker block, or set stacks.${stack.name}.serviceOverrides.${name}.external`, file: eco.file,
  });
}

function byStableOrder(a: ResolvedService, b: ResolvedService): number {
  const rank = (n: string) => (n === 'postgres' ? 0 : n === 'redis' ? 1 : 2);
  return rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
