/** The secrets omnitron generates for a stack, local or remote: the apps' JWT secret and every service's own. */
import type { StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { addr } from './addresses.js';
import { JWT_SECRET } from './app-wiring.js';
import { serviceSecretNames } from './docker-service.js';

export function secretResources(model: StackModel): DesiredResource[] {
  const names = new Set<string>();
  if (model.apps.length > 0) names.add(JWT_SECRET);
  for (const s of model.services) for (const n of serviceSecretNames(s)) names.add(n);
  return [...names].sort().map((name) => ({
    address: addr.secret(name), type: 'random_password', attributes: { length: 40, special: false }, dependsOn: [], sensitive: [],
  }));
}
