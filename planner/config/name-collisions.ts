/**
 * Names that differ in the config but not where they end up: resource addresses write "." as "_"
 * (`api.v1` and `api_v1` are both `env_file.api_v1`), and Docker object names are lower-case (stacks
 * `Prod` and `prod` would own the same containers). Exact duplicates are reported by their own checks.
 */
import { error, type Diagnostic } from '../diagnostics.js';

/** How planner/desired/addresses.ts writes a name inside an address. */
export function addressForm(name: string): string {
  return name.replaceAll('.', '_');
}

export interface NamedItem {
  name: string;
  /** How messages point at the earlier one, e.g. `apps[0]`. */
  label: string;
  where: Pick<Diagnostic, 'file' | 'path'>;
}

/** One error for each item whose form equals that of an earlier item with a different name. */
export function collisions(kind: string, items: readonly NamedItem[], form: (name: string) => string, why: (form: string) => string): Diagnostic[] {
  const first = new Map<string, NamedItem>();
  const out: Diagnostic[] = [];
  for (const item of items) {
    const key = form(item.name);
    const earlier = first.get(key);
    if (!earlier) first.set(key, item);
    else if (earlier.name !== item.name) {
      out.push(error(`${kind} name "${item.name}" collides with "${earlier.name}" (${earlier.label}): ${why(key)}`, { detail: 'rename one of them', ...item.where }));
    }
  }
  return out;
}

export const inAddresses = (example: string) => (key: string) => `resource addresses write both as "${key}" (${example}.${key})`;
