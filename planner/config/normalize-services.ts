/**
 * An `infrastructure.services` map (ecosystem or stack level): each entry is a preset entry when it
 * has a `preset` key, otherwise a custom service requirement. Each is shape-checked on its own, so
 * one bad entry does not hide the others' diagnostics.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { ServiceRequirement } from './model.js';
import { describeValue } from '../../contract/field-path.js';
import { normalizeService } from './normalize-service.js';
import { expandPreset } from './presets.js';
import { schemaPair } from './schema.js';
import { checkName } from './service-name.js';
import { at, within, type SourceContext } from './source-context.js';
import { checkShape } from './zod-diagnostics.js';

/** `ctx` points at the `services` map. */
export function normalizeServices(raw: Record<string, unknown> | undefined, ctx: SourceContext): { services: Record<string, ServiceRequirement>; diagnostics: Diagnostic[] } {
  const services: Record<string, ServiceRequirement> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [name, value] of Object.entries(raw ?? {})) {
    const result = normalizeEntry(name, value, within(ctx, name));
    diagnostics.push(...checkName('service', name, at(ctx, name)), ...result.diagnostics);
    if (result.requirement) services[name] = result.requirement;
  }
  return { services, diagnostics };
}

function normalizeEntry(name: string, value: unknown, ctx: SourceContext): { requirement?: ServiceRequirement; diagnostics: Diagnostic[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { diagnostics: [error(`expected an object, got ${describeValue(value)}`, { detail: 'declare a service as { preset: "postgres" } or { ports, env, docker: { image } }', ...at(ctx) })] };
  }
  if ('preset' in value) {
    const shape = checkShape(schemaPair('presetService'), value, ctx);
    if (!shape.data) return shape;
    const expanded = expandPreset(name, shape.data, ctx);
    return { requirement: expanded.requirement, diagnostics: [...shape.diagnostics, ...expanded.diagnostics] };
  }
  const shape = checkShape(schemaPair('customService'), value, ctx);
  if (!shape.data) return shape;
  const normalized = normalizeService(shape.data, ctx);
  return { requirement: normalized.requirement, diagnostics: [...shape.diagnostics, ...normalized.diagnostics] };
}
