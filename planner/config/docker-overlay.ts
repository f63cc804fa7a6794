/**
 * Real Omnitron's docker merge (`deepMergeDocker`), used for base → variants[networkMode] → stack
 * override: environment, portMappings and labels merge key by key; volumes and resources are
 * replaced when the overlay sets them; every other field the overlay sets replaces the base's.
 */
import type { DockerServiceSpec } from './model.js';
import type { DockerOverlay } from './normalize-docker.js';

const MERGED = ['environment', 'portMappings', 'labels'] as const;

export function overlayDocker(base: DockerServiceSpec, overlay: DockerOverlay | undefined): DockerServiceSpec {
  if (!overlay) return base;
  const out: DockerServiceSpec = { ...base };
  for (const [key, value] of Object.entries(overlay) as Array<[keyof DockerServiceSpec, unknown]>) {
    if (value === undefined) continue;
    (out as unknown as Record<string, unknown>)[key] = (MERGED as readonly string[]).includes(key)
      ? { ...(base[key] as Record<string, unknown>), ...(value as Record<string, unknown>) }
      : value;
  }
  return out;
}
