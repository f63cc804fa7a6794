/**
 * A preset Debian cannot install on a node by itself: MinIO is in neither Debian nor npm, so on a
 * node stack the `minio` preset needs the operator's `bareMetal.installCommand` (and unit), or an
 * external server.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import { formatPath } from '../../contract/field-path.js';
import type { Ecosystem, StackModel } from './model.js';
import type { Placement } from './placement.js';
import { declarationOf } from './validate-ecosystem.js';

export function checkPresetsOnNodes(eco: Ecosystem, model: StackModel, placement: Placement): Diagnostic[] {
  return model.services.flatMap((svc) => {
    const node = placement.services.get(svc.name);
    const preset = svc.requirement.preset;
    if (!node || svc.external || preset !== 'minio' || svc.requirement.bareMetal?.installCommand) return [];
    const decl = declarationOf(eco, model.stack.name, svc);
    const where = { file: decl?.file ?? eco.file, path: formatPath([...(decl?.prefix ?? ['stacks', model.stack.name, 'serviceOverrides', svc.name]), 'bareMetal']) };
    return [error(`service "${svc.name}" (preset "minio") runs on node "${node.name}" of stack "${model.stack.name}" but MinIO is not a Debian package: give it bareMetal.installCommand (and systemdUnit), or an external server`, {
      detail: `set bareMetal: { installCommand: '…', systemdUnit: 'minio.service' } on the service, or stacks.${model.stack.name}.serviceOverrides.${svc.name}.external: { host, ports: { api }, secrets: { accessKey, secretKey } }`,
      ...where,
    })];
  });
}
