/**
 * A digest of everything the config decides, so a saved plan can tell it was made from a config that
 * has since changed. Absolute paths are part of it on purpose: bind mounts and app roots depend on them.
 */
import type { Json } from '../expr.js';
import { canonicalJson, sha256 } from '../hash.js';
import type { Ecosystem } from './model.js';

export function configDigest(eco: Ecosystem): string {
  // The JSON round trip drops undefined fields, so an absent optional and an unset one digest alike.
  return sha256(canonicalJson(JSON.parse(JSON.stringify(eco)) as Json));
}
