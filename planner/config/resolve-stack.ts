/**
 * Narrows an Ecosystem to one stack: which stack (named, else `dev`, else the only one, else an
 * implicit local `dev` when no stacks are configured), which apps (enabled, filtered by the stack's
 * `apps`, with every dependency also selected) and which services (see resolve-services).
 */
import { error, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { AppSpec, Ecosystem, StackModel, StackSpec } from './model.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { formatPath } from '../../contract/field-path.js';
import { resolveServices } from './resolve-services.js';
import { DEPLOY_DEFAULTS } from './normalize-stacks.js';

export const DEFAULT_STACK = 'dev';

export interface ResolveResult { model?: StackModel; diagnostics: Diagnostic[] }

export function resolveStack(eco: Ecosystem, stackName?: string): ResolveResult {
  const chosen = chooseStack(eco, stackName);
  if ('diagnostic' in chosen) return { diagnostics: [chosen.diagnostic] };
  const { stack } = chosen;
  const selected = selectApps(eco, stack);
  if (hasErrors(selected.diagnostics)) return { diagnostics: selected.diagnostics };
  const services = resolveServices(eco, stack, selected.apps);
  const diagnostics = [...selected.diagnostics, ...services.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  const model: StackModel = {
    project: eco.project, root: eco.root, file: eco.file, stack,
    apps: selected.apps, services: services.services,
    supervision: eco.supervision, monitoring: eco.monitoring, logging: eco.logging, discovery: eco.discovery,
  };
  return { model, diagnostics };
}

export function implicitStack(): StackSpec {
  return { name: DEFAULT_STACK, type: 'local', nodes: [], services: {}, settings: { env: {} }, apps: 'all', serviceOverrides: {}, deploy: { ...DEPLOY_DEFAULTS } };
}

/** The stack a command works on: named, else `dev`, else the only one, else the implicit local `dev`. */
export function chooseStack(eco: Ecosystem, name: string | undefined): { stack: StackSpec } | { diagnostic: Diagnostic } {
  const names = Object.keys(eco.stacks);
  if (names.length === 0) {
    if (name === undefined || name === DEFAULT_STACK) return { stack: implicitStack() };
    return { diagnostic: error(`unknown stack "${name}"`, { detail: `the config defines no stacks; the implicit local stack is "${DEFAULT_STACK}"`, file: eco.file }) };
  }
  if (name !== undefined) {
    const stack = eco.stacks[name];
    if (stack) return { stack };
    return { diagnostic: error(`unknown stack "${name}"${suggestion(name, names)}`, { detail: `stacks are ${quotedList(names)}`, file: eco.file, path: 'stacks' }) };
  }
  if (eco.stacks[DEFAULT_STACK]) return { stack: eco.stacks[DEFAULT_STACK] };
  if (names.length === 1) return { stack: eco.stacks[names[0]] };
  return { diagnostic: error(`several stacks and none named "${DEFAULT_STACK}"; choose one with --stack`, { detail: `stacks are ${quotedList(names)}`, file: eco.file, path: 'stacks' }) };
}

function selectApps(eco: Ecosystem, stack: StackSpec): { apps: AppSpec[]; diagnostics: Diagnostic[] } {
  const apps = eco.apps.filter((a) => a.enabled && (stack.apps === 'all' || stack.apps.includes(a.name)));
  const selected = new Set(apps.map((a) => a.name));
  const diagnostics: Diagnostic[] = [];
  for (const app of apps) {
    app.dependsOn.forEach((dep, k) => {
      if (!selected.has(dep)) diagnostics.push(missingDependency(eco, stack, app, dep, k));
    });
  }
  return { apps, diagnostics };
}

function missingDependency(eco: Ecosystem, stack: StackSpec, app: AppSpec, dep: string, k: number): Diagnostic {
  const target = eco.apps.find((a) => a.name === dep);
  const detail = target && !target.enabled
    ? `"${dep}" is disabled (enabled: false); enable it or remove the dependency`
    : `add "${dep}" to stacks.${stack.name}.apps, or remove the dependency`;
  return error(`app "${app.name}" depends on "${dep}", which stack "${stack.name}" does not run`, {
    detail, file: eco.file, path: formatPath(['apps', app.index, 'dependsOn', k]),
  });
}
