/**
 * Checks of one stack as `plan` would run it, made before anything is observed: what connecting to
 * its nodes needs (a pinned hostKey in the form ssh reads), where everything is placed (the same
 * `place` the desired graph uses, so plan can fail no differently), and that a custom service placed
 * on a node has a unit to run it.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { Ecosystem, ResolvedService, StackModel } from './model.js';
import { formatPath } from '../../contract/field-path.js';
import { checkHostKey } from './network-values.js';
import { place, type Placement } from './placement.js';
import { serviceDeclarations, type ServiceDeclaration } from './validate-ecosystem.js';

export function checkStackModel(eco: Ecosystem, model: StackModel): Diagnostic[] {
  if (model.stack.type === 'local') return [];
  const placement = place(model);
  return [...hostKeys(model), ...placement.diagnostics, ...unitsOnNodes(eco, model, placement)];
}

function hostKeys(model: StackModel): Diagnostic[] {
  return model.stack.nodes.flatMap((node, i) => (node.hostKey === undefined ? []
    : checkHostKey(node.hostKey, { file: model.file, path: formatPath(['stacks', model.stack.name, 'nodes', i, 'hostKey']) })));
}

/** On a node a custom service is a systemd unit (presets bring their own); without one nothing would run it. */
function unitsOnNodes(eco: Ecosystem, model: StackModel, placement: Placement): Diagnostic[] {
  return model.services.flatMap((svc) => {
    const node = placement.services.get(svc.name);
    if (!node || svc.requirement.preset || svc.external) return [];
    const base = svc.requirement.bareMetal;
    const variant = svc.requirement.networkMode ? base?.variants?.[svc.requirement.networkMode] : undefined;
    if (base && { ...base, ...variant }.systemdUnit) return [];
    const decl = declarationOf(eco, model, svc);
    const field = base ? ['bareMetal', 'systemdUnit'] : ['bareMetal'];
    const summary = `service "${svc.name}" runs on node "${node.name}" of stack "${model.stack.name}" but has no ${base ? 'bareMetal.systemdUnit' : 'bareMetal block'}`;
    return [error(summary, {
      detail: `on a node a service is a systemd unit: set bareMetal.systemdUnit (e.g. "${svc.name}.service"), or point the stack at one that runs elsewhere with stacks.${model.stack.name}.serviceOverrides.${svc.name}.external`,
      file: decl?.file ?? eco.file, path: formatPath([...(decl?.prefix ?? ['stacks', model.stack.name, 'serviceOverrides', svc.name]), ...field]),
    })];
  });
}

/** Where the stack's copy of a service was declared: the stack, else the ecosystem, else the first app declaring it. */
function declarationOf(eco: Ecosystem, model: StackModel, svc: ResolvedService): ServiceDeclaration | undefined {
  const named = serviceDeclarations(eco).filter((d) => d.name === svc.name);
  return named.find((d) => d.stack === model.stack.name) ?? named.find((d) => !d.stack && !d.app) ?? named.find((d) => d.app === svc.declaredBy[0]);
}
