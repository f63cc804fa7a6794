/**
 * Cross-reference checks over a normalised Ecosystem: app names and dependsOn (unknown targets with
 * "did you mean", cycles named as a path, names that collide in addresses), service dependsOn and
 * names, and what stacks refer to (apps, node apps, service overrides with the ports they map, the
 * templates they render and the node they place on). Plain code; the shape was checked by zod.
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { findCycle } from '../graph/dag.js';
import type { Ecosystem, ServiceRequirement, StackSpec } from './model.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { formatPath, type PathSegment } from '../../contract/field-path.js';
import { isSupportedPreset, presetRequirement } from './presets.js';
import { addressForm, collisions, inAddresses } from './name-collisions.js';
import type { RawDockerOverlay } from './schema.js';
import { checkDockerTemplates } from './templates.js';

/** One place a service is declared, with where to point diagnostics. */
export interface ServiceDeclaration { name: string; requirement: ServiceRequirement; file: string; prefix: PathSegment[]; app?: string; stack?: string }

const at = (file: string, ...segments: PathSegment[]) => ({ file, path: formatPath(segments) });

export function validateEcosystem(eco: Ecosystem): Diagnostic[] {
  const declarations = serviceDeclarations(eco);
  return [...checkApps(eco), ...checkServices(eco, declarations), ...Object.values(eco.stacks).flatMap((s) => checkStack(eco, s, declarations))];
}

export function serviceDeclarations(eco: Ecosystem): ServiceDeclaration[] {
  const out: ServiceDeclaration[] = [];
  for (const [name, requirement] of Object.entries(eco.services)) out.push({ name, requirement, file: eco.file, prefix: ['infrastructure', 'services', name] });
  for (const stack of Object.values(eco.stacks)) {
    for (const [name, requirement] of Object.entries(stack.services)) out.push({ name, requirement, file: eco.file, prefix: ['stacks', stack.name, 'infrastructure', 'services', name], stack: stack.name });
  }
  for (const app of eco.apps) {
    for (const [name, requirement] of Object.entries(app.requirements.infrastructure)) {
      out.push({ name, requirement, file: app.requirements.configFile ?? eco.file, prefix: ['omnitron', 'infrastructure', name], app: app.name });
    }
  }
  return out;
}

/** Where a stack's copy of a service was declared: the stack, else the ecosystem, else the first app declaring it. */
export function declarationOf(eco: Ecosystem, stack: string, service: { name: string; declaredBy: readonly string[] }): ServiceDeclaration | undefined {
  const named = serviceDeclarations(eco).filter((d) => d.name === service.name);
  return named.find((d) => d.stack === stack) ?? named.find((d) => !d.stack && !d.app) ?? named.find((d) => d.app === service.declaredBy[0]);
}

/** Services real Omnitron provisions from app requirements when nobody declares them. */
export function autoServiceNames(eco: Pick<Ecosystem, 'apps'>): string[] {
  const names: string[] = [];
  if (eco.apps.some((a) => a.requirements.database)) names.push('postgres');
  if (eco.apps.some((a) => a.requirements.redis || a.requirements.discovery || a.requirements.notifications)) names.push('redis');
  if (eco.apps.some((a) => a.requirements.s3)) names.push('minio');
  return names;
}

function checkApps(eco: Ecosystem): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = eco.apps.map((a) => a.name);
  const firstIndex = new Map<string, number>();
  for (const app of eco.apps) {
    const first = firstIndex.get(app.name);
    if (first === undefined) firstIndex.set(app.name, app.index);
    else out.push(error(`duplicate app name "${app.name}" (also apps[${first}])`, { detail: 'app names must be unique; rename one', ...at(eco.file, 'apps', app.index, 'name') }));
    app.dependsOn.forEach((dep, k) => {
      if (names.includes(dep)) return;
      out.push(error(`unknown app "${dep}"${suggestion(dep, names)}`, { detail: `dependsOn names apps of this config: ${quotedList(names)}`, ...at(eco.file, 'apps', app.index, 'dependsOn', k) }));
    });
  }
  const cycle = findCycle(names, (n) => eco.apps.find((a) => a.name === n)?.dependsOn ?? []);
  if (cycle) {
    const first = eco.apps.find((a) => a.name === cycle[0])!;
    out.push(error(`dependency cycle: ${cycle.join(' → ')}`, { detail: 'apps start after their dependencies; remove one of these dependsOn entries', ...at(eco.file, 'apps', first.index, 'dependsOn') }));
  }
  const items = eco.apps.map((a) => ({ name: a.name, label: `apps[${a.index}]`, where: at(eco.file, 'apps', a.index, 'name') }));
  return [...out, ...collisions('app', items, addressForm, inAddresses('env_file'))];
}

function checkServices(eco: Ecosystem, declarations: ServiceDeclaration[]): Diagnostic[] {
  const known = [...new Set([...autoServiceNames(eco), ...declarations.map((d) => d.name)])];
  const items = declarations.map((d) => ({ name: d.name, label: `${d.app ? `${d.app}'s config/default.json ` : ''}${formatPath(d.prefix)}`, where: at(d.file, ...d.prefix) }));
  const out: Diagnostic[] = collisions('service', items, addressForm, inAddresses('docker_container'));
  for (const d of declarations) {
    d.requirement.dependsOn.forEach((dep, k) => {
      if (known.includes(dep)) return;
      out.push(error(`unknown service "${dep}"${suggestion(dep, known)}`, { detail: `services are ${quotedList(known)}`, ...at(d.file, ...d.prefix, 'dependsOn', k) }));
    });
  }
  const deps = (n: string) => declarations.filter((d) => d.name === n).flatMap((d) => d.requirement.dependsOn);
  const cycle = findCycle(known, deps);
  if (cycle) {
    const first = declarations.find((d) => d.name === cycle[0])!;
    out.push(error(`service dependency cycle: ${cycle.join(' → ')}`, { detail: 'services start after their dependencies; remove one of these dependsOn entries', ...at(first.file, ...first.prefix, 'dependsOn') }));
  }
  return out;
}

function checkStack(eco: Ecosystem, stack: StackSpec, declarations: ServiceDeclaration[]): Diagnostic[] {
  const base: PathSegment[] = ['stacks', stack.name];
  const out = stack.apps === 'all' ? [] : stack.apps.flatMap((name, i) => checkAppRef(eco, name, stack, [...base, 'apps', i]));
  stack.nodes.forEach((node, n) => (node.apps ?? []).forEach((name, i) => out.push(...checkAppRef(eco, name, stack, [...base, 'nodes', n, 'apps', i]))));
  for (const key of Object.keys(stack.serviceOverrides)) out.push(...checkOverride(eco, stack, key, declarations), ...checkPlacementNode(eco.file, stack, key));
  return out;
}

/** `placement` names a node of the stack; a local stack has none and runs everything here. */
function checkPlacementNode(file: string, stack: StackSpec, key: string): Diagnostic[] {
  const placement = stack.serviceOverrides[key].placement;
  if (placement === undefined) return [];
  const where = at(file, 'stacks', stack.name, 'serviceOverrides', key, 'placement');
  if (stack.type === 'local') return [warning(`a local stack ignores placement; "${key}" runs on this machine`, { detail: 'remove placement, or use it on a remote or cluster stack', ...where })];
  const nodes = stack.nodes.map((n) => n.name);
  if (nodes.includes(placement)) return [];
  return [error(`unknown node "${placement}"${suggestion(placement, nodes)}`, { detail: `placement names a node of stack "${stack.name}": ${quotedList(nodes)}`, ...where })];
}

function checkAppRef(eco: Ecosystem, name: string, stack: StackSpec, path: PathSegment[]): Diagnostic[] {
  const app = eco.apps.find((a) => a.name === name);
  const names = eco.apps.map((a) => a.name);
  if (!app) return [error(`unknown app "${name}"${suggestion(name, names)}`, { detail: `apps are ${quotedList(names)}`, ...at(eco.file, ...path) })];
  if (app.enabled) return [];
  return [warning(`app "${name}" is disabled (enabled: false); stack "${stack.name}" will not run it`, { detail: `set enabled: true on apps[${app.index}] or remove it here`, ...at(eco.file, ...path) })];
}

function checkOverride(eco: Ecosystem, stack: StackSpec, key: string, declarations: ServiceDeclaration[]): Diagnostic[] {
  const path: PathSegment[] = ['stacks', stack.name, 'serviceOverrides', key];
  const parts = key.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    return [error('invalid override key', { detail: 'key an override by service name ("search") or app and service ("media/search")', ...at(eco.file, ...path) })];
  }
  const target = parts.length === 2 ? appServiceTarget(eco, parts[0], parts[1], declarations) : stackServiceTarget(eco, stack, key, declarations);
  if ('diagnostic' in target) return [{ ...target.diagnostic, ...at(eco.file, ...path) }];
  const override = stack.serviceOverrides[key];
  return [...checkOverridePorts(eco.file, path, override, target.ports), ...checkOverrideTemplates(eco, path, override, target), ...unappliedBareMetal(eco.file, path, override)];
}

/** What an override may refer to; `ports` undefined: a planned-later preset whose ports are not known yet. */
interface Found { ports?: Record<string, number>; secrets?: Record<string, unknown> }
type Target = Found | { diagnostic: Diagnostic };

/** An override's docker.environment renders against the service it overrides (and the secrets its `external` adds). */
function checkOverrideTemplates(eco: Ecosystem, path: PathSegment[], override: StackSpec['serviceOverrides'][string], target: Found): Diagnostic[] {
  if (!target.ports || !override.docker) return [];
  const scope = { ports: target.ports, secrets: { ...target.secrets, ...override.external?.secrets } };
  return checkDockerTemplates(override.docker as RawDockerOverlay, scope, { file: eco.file, root: eco.root, prefix: [...path, 'docker'], strict: false });
}

/** Nothing reads a stack's bareMetal override yet; saying so beats a silent no-op. */
function unappliedBareMetal(file: string, path: PathSegment[], override: StackSpec['serviceOverrides'][string]): Diagnostic[] {
  if (!override.bareMetal) return [];
  return [warning('a bareMetal override is not applied yet; the service keeps the bareMetal block it declares', {
    detail: 'set these fields in the service\'s own bareMetal block (or its variants[networkMode]) instead', ...at(file, ...path, 'bareMetal'),
  })];
}

function stackServiceTarget(eco: Ecosystem, stack: StackSpec, name: string, declarations: ServiceDeclaration[]): Target {
  const visible = declarations.filter((d) => !d.stack || d.stack === stack.name);
  const decl = visible.find((d) => d.stack === stack.name && d.name === name) ?? visible.find((d) => d.name === name);
  if (decl) return { ports: isSupported(decl.requirement) ? decl.requirement.ports : undefined, secrets: decl.requirement.secrets };
  if (autoServiceNames(eco).includes(name)) return { ports: presetRequirement(name as 'postgres' | 'redis' | 'minio').ports, secrets: {} };
  const known = [...new Set([...autoServiceNames(eco), ...visible.map((d) => d.name)])];
  return { diagnostic: error(`unknown service "${name}"${suggestion(name, known)}`, { detail: `services of stack "${stack.name}" are ${quotedList(known)}` }) };
}

function appServiceTarget(eco: Ecosystem, appName: string, service: string, declarations: ServiceDeclaration[]): Target {
  const names = eco.apps.map((a) => a.name);
  if (!names.includes(appName)) {
    return { diagnostic: error(`unknown app "${appName}"${suggestion(appName, names)}`, { detail: `"app/service" keys name an app of this config: ${quotedList(names)}` }) };
  }
  const own = declarations.filter((d) => d.app === appName);
  const decl = own.find((d) => d.name === service);
  if (decl) return { ports: decl.requirement.ports, secrets: decl.requirement.secrets };
  const declared = own.length > 0 ? `declares ${quotedList(own.map((d) => d.name))}` : 'declares no services';
  return { diagnostic: error(`app "${appName}" declares no service "${service}"${suggestion(service, own.map((d) => d.name))}`, {
    detail: `"${appName}" ${declared} in its config/default.json; key other services by name alone ("${service}")`,
  }) };
}

const isSupported = (req: ServiceRequirement) => !req.preset || isSupportedPreset(req.preset);

function checkOverridePorts(file: string, path: PathSegment[], override: StackSpec['serviceOverrides'][string], ports: Record<string, number> | undefined): Diagnostic[] {
  if (!ports) return [];
  const names = Object.keys(ports);
  const mapped = Object.keys((override.docker?.portMappings ?? {}) as Record<string, number>).map((p) => ({ p, where: [...path, 'docker', 'portMappings', p] }));
  const external = Object.keys(override.external?.ports ?? {}).map((p) => ({ p, where: [...path, 'external', 'ports', p] }));
  return [...mapped, ...external].filter(({ p }) => !names.includes(p)).map(({ p, where }) =>
    error(`unknown port "${p}"${suggestion(p, names)}`, { detail: `the service's ports are ${quotedList(names)}`, ...at(file, ...where) }));
}
