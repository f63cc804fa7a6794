/** One attribute that differs between what is and what should be: the unit of every plan diff. */
import type { Value } from './expr.js';

export interface AttributeDiff {
  /** Dot path, e.g. `image`, `env.DATABASE_URL`. */
  path: string;
  before?: Value;
  after?: Value;
  forcesReplacement?: boolean;
  sensitive?: boolean;
}
