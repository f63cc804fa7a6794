/**
 * `stacks` entries as StackSpecs: nodes with SSH defaults (root, port 22, name = label ?? host),
 * stack-level services, settings and service overrides normalised like their ecosystem-level
 * counterparts. Node-count rules per type are checked here; references to apps and services are
 * cross-checked in validate-ecosystem.
 */
import { isAbsolute, resolve } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { NodeSpec, ServiceOverride, StackSpec } from './model.js';
import { normalizeDockerOverlay, stringValues } from './normalize-docker.js';
import { normalizeInfrastructure } from './legacy-infrastructure.js';
import { schemaPair, type RawNode, type RawOverride, type RawStack } from './schema.js';
import { addressForm, collisions, inAddresses } from './name-collisions.js';
import { checkExternalHost, checkHostKey, checkNodeAddress, checkSshUser, checkSshHost } from './network-values.js';
import { checkName } from './service-name.js';
import { checkEnvFileNames } from './env-names.js';
import { at, within, type SourceContext } from './source-context.js';
import { checkShape } from './zod-diagnostics.js';
import { normalizeState } from './state-config.js';

export const NODE_DEFAULTS = { user: 'root', port: 22, role: 'app' } as const;

/** `ctx` points at the config file's root. */
export function normalizeStacks(raw: Record<string, unknown> | undefined, ctx: SourceContext): { stacks: Record<string, StackSpec>; diagnostics: Diagnostic[] } {
  const stacks: Record<string, StackSpec> = {};
  const names = Object.keys(raw ?? {}).map((name) => ({ name, label: `stacks.${name}`, where: at(ctx, 'stacks', name) }));
  const diagnostics: Diagnostic[] = collisions('stack', names, (n) => n.toLowerCase(), () => 'Docker object names are lower-case ("<project>-<stack>-<service>"), so both stacks would own the same containers');
  for (const [name, value] of Object.entries(raw ?? {})) {
    const shape = checkShape(schemaPair('stack'), value, within(ctx, 'stacks', name));
    diagnostics.push(...checkName('stack', name, at(ctx, 'stacks', name)), ...shape.diagnostics);
    if (!shape.data) continue;
    const result = normalizeStack(name, shape.data, within(ctx, 'stacks', name));
    diagnostics.push(...result.diagnostics);
    stacks[name] = result.stack;
  }
  return { stacks, diagnostics };
}

function normalizeStack(name: string, raw: RawStack, ctx: SourceContext): { stack: StackSpec; diagnostics: Diagnostic[] } {
  const nodes = (raw.nodes ?? []).map((n) => normalizeNode(n, ctx.root));
  const services = normalizeInfrastructure(raw.infrastructure, within(ctx, 'infrastructure'));
  const diagnostics = [...checkNodes(raw.type, raw.nodes ?? [], nodes, ctx), ...services.diagnostics, ...checkEnvFileNames(raw.settings?.env ?? {}, within(ctx, 'settings', 'env'))];
  const serviceOverrides: Record<string, ServiceOverride> = {};
  for (const [key, override] of Object.entries(raw.serviceOverrides ?? {})) {
    const result = normalizeOverride(override, within(ctx, 'serviceOverrides', key));
    serviceOverrides[key] = result.override;
    diagnostics.push(...result.diagnostics);
  }
  const settings = raw.settings ?? {};
  if (settings.containerPrefix !== undefined) {
    diagnostics.push(warning('settings.containerPrefix is not used: omnitron names containers <project>-<stack>-<service>, as the Omnitron daemon does', { detail: 'remove it to silence this', ...at(ctx, 'settings', 'containerPrefix') }));
  }
  const stack: StackSpec = {
    name,
    type: raw.type,
    nodes,
    services: services.services,
    settings: {
      env: stringValues(settings.env ?? {}),
      ...(settings.redisDbOffset !== undefined ? { redisDbOffset: settings.redisDbOffset } : {}),
      ...(settings.containerPrefix !== undefined ? { containerPrefix: settings.containerPrefix } : {}),
      ...(settings.logLevel !== undefined ? { logLevel: settings.logLevel } : {}),
    },
    apps: raw.apps === undefined || raw.apps === 'all' ? 'all' : [...raw.apps],
    serviceOverrides,
  };
  if (raw.state) {
    const state = normalizeState(raw.state, within(ctx, 'state'));
    stack.state = state.state;
    diagnostics.push(...state.diagnostics);
  }
  return { stack, diagnostics };
}

function normalizeNode(raw: RawNode, root: string): NodeSpec {
  const privateKey = raw.ssh?.privateKey;
  const node: NodeSpec = {
    name: raw.name ?? raw.label ?? raw.host,
    host: raw.host,
    role: raw.role ?? NODE_DEFAULTS.role,
    ssh: {
      user: raw.ssh?.user ?? NODE_DEFAULTS.user,
      port: raw.ssh?.port ?? NODE_DEFAULTS.port,
      ...(privateKey ? { privateKey: privateKey.startsWith('.') && !isAbsolute(privateKey) ? resolve(root, privateKey) : privateKey } : {}),
    },
  };
  if (raw.address !== undefined) node.address = raw.address;
  if (raw.port !== undefined) node.port = raw.port;
  if (raw.apps) node.apps = [...raw.apps];
  if (raw.hostKey !== undefined) node.hostKey = raw.hostKey;
  if (raw.label !== undefined) node.label = raw.label;
  if (raw.labels) node.labels = { ...raw.labels };
  return node;
}

function checkNodes(type: StackSpec['type'], raw: readonly RawNode[], nodes: NodeSpec[], ctx: SourceContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (type === 'remote' && nodes.length !== 1) {
    out.push(error(`a remote stack needs exactly one node, got ${nodes.length}`, { detail: 'list one node, or use type: "cluster" for several', ...at(ctx, 'nodes') }));
  }
  if (type === 'cluster' && nodes.length === 0) {
    out.push(error('a cluster stack needs at least one node', { detail: 'add nodes: [{ host: "...", role: "app" }]', ...at(ctx, 'nodes') }));
  }
  if (type === 'local' && nodes.length > 0) {
    out.push(warning('a local stack ignores nodes', { detail: 'remove nodes, or use type: "remote" or "cluster"', ...at(ctx, 'nodes') }));
  }
  const seen = new Map<string, number>();
  nodes.forEach((n, i) => {
    const first = seen.get(n.name);
    if (first === undefined) seen.set(n.name, i);
    else out.push(error(`duplicate node name "${n.name}" (also nodes[${first}])`, { detail: 'give each node a distinct name or label', ...at(ctx, 'nodes', i) }));
  });
  const items = nodes.map((n, i) => ({ name: n.name, label: `nodes[${i}]`, where: at(ctx, 'nodes', i, nameField(raw[i])) }));
  return [...out, ...raw.flatMap((r, i) => checkNode(r, nodes[i], within(ctx, 'nodes', i))), ...collisions('node', items, addressForm, inAddresses('ssh_known_host'))];
}

/** `ctx` points at the node. */
function checkNode(raw: RawNode, node: NodeSpec, ctx: SourceContext): Diagnostic[] {
  const out = checkName('node', node.name, at(ctx, nameField(raw)), NODE_NAME_HINT);
  out.push(...checkSshHost(raw.host, at(ctx, 'host')));
  if (raw.address !== undefined) out.push(...checkNodeAddress(raw.address, at(ctx, 'address')));
  if (raw.ssh?.user !== undefined) out.push(...checkSshUser(raw.ssh.user, at(ctx, 'ssh', 'user')));
  if (raw.hostKey !== undefined) out.push(...checkHostKey(raw.hostKey, at(ctx, 'hostKey')));
  return out;
}

const NODE_NAME_HINT = 'a node is named by its name, else its label, else its host; set name to letters, digits, "_", "." and "-", starting with a letter or digit';

/** Which field a node's name came from. */
function nameField(raw: RawNode): 'name' | 'label' | 'host' {
  return raw.name !== undefined ? 'name' : raw.label !== undefined ? 'label' : 'host';
}

function normalizeOverride(raw: RawOverride, ctx: SourceContext): { override: ServiceOverride; diagnostics: Diagnostic[] } {
  const override: ServiceOverride = {};
  const diagnostics: Diagnostic[] = [];
  if (raw.external) {
    override.external = { host: raw.external.host, ports: { ...raw.external.ports }, ...(raw.external.secrets ? { secrets: { ...raw.external.secrets } } : {}) };
    diagnostics.push(...checkExternalHost(raw.external.host, at(ctx, 'external', 'host')));
  }
  if (raw.docker) {
    const normalized = normalizeDockerOverlay(raw.docker, within(ctx, 'docker'));
    override.docker = normalized.overlay as Record<string, unknown>;
    diagnostics.push(...normalized.diagnostics);
  }
  if (raw.bareMetal) override.bareMetal = raw.bareMetal as Record<string, unknown>;
  if (raw.disabled !== undefined) override.disabled = raw.disabled;
  if (raw.placement !== undefined) override.placement = raw.placement;
  return { override, diagnostics };
}
