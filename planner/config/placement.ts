/**
 * Which node runs what, for remote and cluster stacks. Services go to an explicit
 * `serviceOverrides.<svc>.placement`, else to the node whose role matches (database → postgres,
 * cache → redis, gateway → gateway; a gateway without one beside the apps), else next to the app
 * that declared them. Apps go to the nodes
 * whose `apps` list names them, else to every `app`/`worker` node. A remote stack's one node runs
 * everything. What cannot be placed is a diagnostic naming the service or app.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { findOverride } from './resolve-services.js';
import type { AppSpec, NodeSpec, ResolvedService, StackModel } from './model.js';

export interface Placement {
  /** Service name → node. */
  services: Map<string, NodeSpec>;
  /** App name → nodes. */
  apps: Map<string, NodeSpec[]>;
  diagnostics: Diagnostic[];
}

const ROLE_FOR: Record<string, NodeSpec['role']> = { postgres: 'database', redis: 'cache', openresty: 'gateway', database: 'database', cache: 'cache', gateway: 'gateway' };

export function place(model: StackModel): Placement {
  const out: Placement = { services: new Map(), apps: new Map(), diagnostics: [] };
  const nodes = model.stack.nodes;
  for (const app of model.apps) {
    const chosen = nodesForApp(app, nodes, model.stack.type);
    if (chosen.length === 0) out.diagnostics.push(unplaced(model, `app "${app.name}"`, 'no node lists it in `apps` and there is no node with role "app" or "worker"', `stacks.${model.stack.name}.nodes`));
    out.apps.set(app.name, chosen);
  }
  for (const service of model.services) {
    if (service.external) continue;
    const node = nodeForService(model, service, out.apps);
    if (typeof node === 'string') out.diagnostics.push(unplaced(model, `service "${service.name}"`, node, `stacks.${model.stack.name}.serviceOverrides.${service.name}.placement`));
    else out.services.set(service.name, node);
  }
  return out;
}

function nodesForApp(app: AppSpec, nodes: readonly NodeSpec[], type: StackModel['stack']['type']): NodeSpec[] {
  if (type === 'remote') return nodes.slice(0, 1);
  const named = nodes.filter((n) => n.apps?.includes(app.name));
  if (named.length > 0) return named;
  return nodes.filter((n) => !n.apps?.length && (n.role === 'app' || n.role === 'worker'));
}

/** The node, or why there is none. */
function nodeForService(model: StackModel, service: ResolvedService, apps: Map<string, NodeSpec[]>): NodeSpec | string {
  const nodes = model.stack.nodes;
  const explicit = findOverride(model.stack, service.name, service.declaredBy)?.placement;
  if (explicit) return nodes.find((n) => n.name === explicit) ?? `placement names node "${explicit}", which is not in this stack (nodes: ${nodes.map((n) => n.name).join(', ')})`;
  if (model.stack.type === 'remote') return nodes[0] ?? 'the stack has no node';
  const role = ROLE_FOR[service.requirement.preset ?? ''] ?? ROLE_FOR[service.requirement.type ?? ''];
  const byRole = role && nodes.find((n) => n.role === role);
  if (byRole) return byRole;
  // Without a gateway node the gateway runs beside the apps it fronts (the first one's first node).
  const besideApps = service.requirement.preset === 'openresty' ? [...apps.values()].flat()[0] : undefined;
  if (besideApps) return besideApps;
  const owner = service.declaredBy.map((a) => apps.get(a)?.[0]).find(Boolean);
  if (owner && !service.requirement.preset) return owner;
  if (role) return `it needs a node with role "${role}" and the stack has none; add one or set a placement`;
  return nodes.find((n) => n.role === 'app' || n.role === 'worker') ?? 'no node can run it; set a placement';
}

function unplaced(model: StackModel, what: string, why: string, path: string): Diagnostic {
  return error(`${what} cannot be placed on any node of stack "${model.stack.name}": ${why}`, {
    path, file: model.file, detail: 'Placement: serviceOverrides.<svc>.placement names a node; otherwise roles decide (database → postgres, cache → redis, gateway → gateway, else beside the apps), and apps run on nodes listing them in `apps`, else on every app/worker node.',
  });
}

/** The address other nodes use to reach a node. */
export function reachableAddress(node: NodeSpec): string {
  return node.address ?? node.host;
}
