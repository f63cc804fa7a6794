import { isDigest, isRef, isTemplate, type Expr } from '../expr.js';

/** Outputs that hold secrets, by resource type. Anything built from them is sensitive too. */
export const SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  random_password: ['result'],
  postgres_role: ['password'],
  ed25519_key: ['privateJwk'],
};

export function isSecretRef(address: string, output: string): boolean {
  const type = address.slice(0, address.indexOf('.'));
  return SECRET_OUTPUTS[type]?.includes(output) ?? false;
}

/** Variable names that say they hold a secret: a literal value under one is masked like a generated secret. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL/i;

/** Dot paths in `expr` whose value is, or is built from, a secret output, or is a literal under a secret's name. */
export function sensitivePaths(expr: Expr, prefix = ''): string[] {
  if (isDigest(expr)) return []; // a digest of a secret reveals nothing worth masking
  if (typeof expr === 'string') return expr !== '' && SECRET_NAME.test(prefix.slice(prefix.lastIndexOf('.') + 1)) ? [prefix] : [];
  if (isRef(expr)) return isSecretRef(expr.$ref, expr.output) ? [prefix] : [];
  if (isTemplate(expr)) return expr.$template.some((p) => isRef(p) && isSecretRef(p.$ref, p.output)) ? [prefix] : [];
  if (Array.isArray(expr)) return expr.some((x) => sensitivePaths(x).length > 0) ? [prefix] : [];
  if (expr !== null && typeof expr === 'object') {
    return Object.entries(expr).flatMap(([k, v]) => sensitivePaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}
