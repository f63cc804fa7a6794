/**
 * Checks of one stack as `plan` would run it, made before anything is observed: what connecting to
 * its nodes needs (a pinned hostKey in the form ssh reads).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { StackModel } from './model.js';
import { formatPath } from '../../contract/field-path.js';
import { checkHostKey } from './network-values.js';

export function checkStackModel(model: StackModel): Diagnostic[] {
  if (model.stack.type === 'local') return [];
  return model.stack.nodes.flatMap((node, i) => (node.hostKey === undefined ? []
    : checkHostKey(node.hostKey, { file: model.file, path: formatPath(['stacks', model.stack.name, 'nodes', i, 'hostKey']) })));
}
