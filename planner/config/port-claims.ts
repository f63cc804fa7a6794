/**
 * Who listens on which port of which host, as the stack would run: on a local stack, the ports
 * Docker publishes for each container (on its bindHost) and each app's PORT; on nodes, each placed
 * service's port and the PORT of the apps the node runs. Two claims on one port of one host fail
 * only at apply (or worse, the second listener loses at runtime), so they are errors here.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { AppSpec, Ecosystem, ResolvedService, StackModel } from './model.js';
import { formatPath, type PathSegment } from '../../contract/field-path.js';
import type { Placement } from './placement.js';
import { declarationOf } from './validate-ecosystem.js';

interface Claim {
  port: number;
  /** The interface, or '*' for every one. */
  bind: string;
  /** `this machine` or `node "app"`. */
  host: string;
  who: string;
  where: Pick<Diagnostic, 'file' | 'path'>;
  fix: string;
}

const WILDCARD = new Set(['*', '0.0.0.0', '::']);
const overlaps = (a: Claim, b: Claim) => a.port === b.port && a.host === b.host && (a.bind === b.bind || WILDCARD.has(a.bind) || WILDCARD.has(b.bind));

export function checkPortClaims(eco: Ecosystem, model: StackModel, placement?: Placement): Diagnostic[] {
  const claims = placement ? nodeClaims(eco, model, placement) : localClaims(eco, model);
  const out: Diagnostic[] = [];
  claims.forEach((claim, i) => {
    const earlier = claims.slice(0, i).find((c) => overlaps(c, claim));
    if (!earlier) return;
    out.push(error(`${claim.who} listens on port ${claim.port}, which ${earlier.who} also uses on ${claim.host}`, { detail: `two listeners cannot share a port of one host; ${claim.fix}`, ...claim.where }));
  });
  return out;
}

function localClaims(eco: Ecosystem, model: StackModel): Claim[] {
  const services = model.services.filter((s) => s.docker).flatMap((svc) => Object.entries(svc.requirement.ports).map(([name, container]): Claim => ({
    port: svc.docker!.portMappings[name] ?? container, bind: svc.docker!.bindHost, host: 'this machine', who: `service "${svc.name}"`,
    where: hostPortOrigin(eco, model, svc, name), fix: `publish it on another host port with stacks.${model.stack.name}.serviceOverrides.${svc.name}.docker.portMappings.${name}`,
  })));
  return [...services, ...model.apps.flatMap((app) => appClaims(eco, model, app, 'this machine'))];
}

function nodeClaims(eco: Ecosystem, model: StackModel, placement: Placement): Claim[] {
  const services = model.services.flatMap((svc) => {
    const node = placement.services.get(svc.name);
    if (!node) return [];
    // Presets listen on their own port (postgresOnNode, redisOnNode, the gateway's http); custom services where their templates say.
    const ports = svc.requirement.preset === 'openresty' ? { http: svc.requirement.ports.http }
      : svc.requirement.preset ? { main: svc.requirement.ports.main } : svc.endpointPorts;
    return Object.entries(ports).map(([name, port]): Claim => ({
      port, bind: '*', host: `node "${node.name}"`, who: `service "${svc.name}"`,
      where: declaredPort(eco, model, svc, name), fix: `change ${svc.name}'s port "${name}", or place it on another node with stacks.${model.stack.name}.serviceOverrides.${svc.name}.placement`,
    }));
  });
  const apps = model.apps.flatMap((app) => (placement.apps.get(app.name) ?? []).flatMap((node) => appClaims(eco, model, app, `node "${node.name}"`)));
  return [...services, ...apps];
}

/** An app's PORT (the stack's settings.env wins over the app's env, as in its env file), one more per extra instance. */
function appClaims(eco: Ecosystem, model: StackModel, app: AppSpec, host: string): Claim[] {
  const fromStack = model.stack.settings.env.PORT !== undefined;
  const port = Number(fromStack ? model.stack.settings.env.PORT : app.env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return [];
  const path: PathSegment[] = fromStack ? ['stacks', model.stack.name, 'settings', 'env', 'PORT'] : ['apps', app.index, 'env', 'PORT'];
  const fix = fromStack ? 'settings.env.PORT gives every app of the stack the same port; set PORT in each app\'s env instead' : 'give each app its own PORT';
  // `instances: N` listens on PORT … PORT+N-1 (each copy's PORT is offset by its index).
  return Array.from({ length: Math.min(app.instances, 65536 - port) }, (_, i) => ({
    port: port + i, bind: '*', host, who: app.instances > 1 ? `app "${app.name}" (instance ${i})` : `app "${app.name}"`, where: { file: eco.file, path: formatPath(path) }, fix,
  }));
}

/** Where a container's host port is set: the stack's override, else the service's docker block or ports. */
function hostPortOrigin(eco: Ecosystem, model: StackModel, svc: ResolvedService, port: string): Pick<Diagnostic, 'file' | 'path'> {
  // The override findOverride picks: `app/svc` first, then `svc`.
  const key = [...svc.declaredBy.map((a) => `${a}/${svc.name}`), svc.name].find((k) => model.stack.serviceOverrides[k]);
  const override = key ? model.stack.serviceOverrides[key].docker as { portMappings?: Record<string, number> } | undefined : undefined;
  if (key && override?.portMappings?.[port] !== undefined) return { file: eco.file, path: formatPath(['stacks', model.stack.name, 'serviceOverrides', key, 'docker', 'portMappings', port]) };
  return declaredPort(eco, model, svc, port);
}

function declaredPort(eco: Ecosystem, model: StackModel, svc: ResolvedService, port: string): Pick<Diagnostic, 'file' | 'path'> {
  const decl = declarationOf(eco, model.stack.name, svc);
  if (!decl) return { file: eco.file, path: formatPath(['stacks', model.stack.name, 'serviceOverrides', svc.name]) };
  // A preset's `ports` set its host port, which the model keeps as a port mapping.
  const mapped = !decl.requirement.preset && decl.requirement.docker?.portMappings[port] !== undefined;
  return { file: decl.file, path: formatPath([...decl.prefix, ...(mapped ? ['docker', 'portMappings', port] : ['ports', port])]) };
}
