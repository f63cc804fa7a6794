/**
 * The synthetic stack as Terraform configuration: one terraform_data per resource, its attributes as
 * `input`, refs as references to the referenced resource's `id` (unknown until apply, like ours on a
 * create), dependsOn as depends_on. Same nodes, edges and attribute sizes as the omnitron plan.
 */
import { isRef, isTemplate } from '../../dist/planner/expr.js';

function tfName(address) {
  return `terraform_data.${address.slice(address.indexOf('.') + 1)}`;
}

function quote(text) {
  return JSON.stringify(text).replaceAll('${', '$${').replaceAll('%{', '%%{');
}

function hcl(value) {
  if (isRef(value)) return `${tfName(value.$ref)}.id`;
  if (isTemplate(value)) {
    const parts = value.$template.map((p) => (typeof p === 'string' ? quote(p).slice(1, -1) : `\${${tfName(p.$ref)}.id}`));
    return `"${parts.join('')}"`;
  }
  if (Array.isArray(value)) return `[${value.map(hcl).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${quote(k)} = ${hcl(v)}`).join(', ')} }`;
  }
  return value === null ? 'null' : typeof value === 'string' ? quote(value) : String(value);
}

export function terraformConfig(desired) {
  return desired.map((r) => {
    const deps = r.dependsOn.length ? `\n  depends_on = [${r.dependsOn.map(tfName).join(', ')}]` : '';
    return `resource "terraform_data" "${r.address.slice(r.address.indexOf('.') + 1)}" {\n  input = ${hcl(r.attributes)}${deps}\n}\n`;
  }).join('\n');
}
