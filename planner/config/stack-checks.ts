/**
 * Checks of one resolved stack as `plan` would run it, made before anything is observed
 * (`checkedStack` is what every command loads a stack with): where everything is placed (the same
 * `place` the desired graph uses, so plan can fail no differently), that a custom service placed
 * on a node has a unit to run it, and that no two listeners claim one port of one host.
 */
import { error, hasErrors, type Diagnostic } from '../diagnostics.js';
import { checkStackFiles } from './stack-files.js';
import { resolveStack, type ResolveResult } from './resolve-stack.js';
import type { Ecosystem, StackModel } from './model.js';
import { formatPath } from '../../contract/field-path.js';
import { place, type Placement } from './placement.js';
import { declarationOf } from './validate-ecosystem.js';
import { checkPortClaims } from './port-claims.js';
import { checkPresetsOnNodes } from './presets-on-nodes.js';

/** One stack resolved and checked: a model only when there are no errors. */
export function checkedStack(eco: Ecosystem, stackName?: string): ResolveResult {
  const resolved = resolveStack(eco, stackName);
  if (!resolved.model || hasErrors(resolved.diagnostics)) return resolved;
  const diagnostics = [...resolved.diagnostics, ...checkStackModel(eco, resolved.model), ...checkStackFiles(eco, resolved.model)];
  return hasErrors(diagnostics) ? { diagnostics } : { model: resolved.model, diagnostics };
}

export function checkStackModel(eco: Ecosystem, model: StackModel): Diagnostic[] {
  if (model.stack.type === 'local') return checkPortClaims(eco, model);
  const placement = place(model);
  return [...placement.diagnostics, ...checkPresetsOnNodes(eco, model, placement), ...unitsOnNodes(eco, model, placement), ...checkPortClaims(eco, model, placement)];
}

/** On a node a custom service is a systemd unit (presets bring their own); without one nothing would run it. */
function unitsOnNodes(eco: Ecosystem, model: StackModel, placement: Placement): Diagnostic[] {
  return model.services.flatMap((svc) => {
    const node = placement.services.get(svc.name);
    const installedByOperator = svc.requirement.preset === 'minio' && svc.requirement.bareMetal?.installCommand;
    if (!node || (svc.requirement.preset && !installedByOperator) || svc.external) return [];
    const base = svc.requirement.bareMetal;
    const variant = svc.requirement.networkMode ? base?.variants?.[svc.requirement.networkMode] : undefined;
    if (base && { ...base, ...variant }.systemdUnit) return [];
    const decl = declarationOf(eco, model.stack.name, svc);
    const field = base ? ['bareMetal', 'systemdUnit'] : ['bareMetal'];
    const summary = `service "${svc.name}" runs on node "${node.name}" of stack "${model.stack.name}" but has no ${base ? 'bareMetal.systemdUnit' : 'bareMetal block'}`;
    return [error(summary, {
      detail: `on a node a service is a systemd unit: set bareMetal.systemdUnit (e.g. "${svc.name}.service"), or point the stack at one that runs elsewhere with stacks.${model.stack.name}.serviceOverrides.${svc.name}.external`,
      file: decl?.file ?? eco.file, path: formatPath([...(decl?.prefix ?? ['stacks', model.stack.name, 'serviceOverrides', svc.name]), ...field]),
    })];
  });
}
