/**
 * Redis DB indexes: one per app that asks for Redis (in `apps` order), then one shared index for
 * discovery and one for notifications when any app asks. An index once handed out is kept (read back
 * from state), so adding or reordering apps never moves another app's data.
 */
import type { AppSpec } from '../config/model.js';
import type { StateRecord } from '../resource.js';
import { addr } from './addresses.js';

export interface RedisSlot {
  address: string;
  app: string;
  purpose: 'app' | 'discovery' | 'notifications';
  index: number;
}

export function allocateRedisDbs(apps: readonly AppSpec[], prior: ReadonlyMap<string, StateRecord>, offset = 0): RedisSlot[] {
  const wanted: Array<Omit<RedisSlot, 'index'>> = [];
  for (const app of apps) if (app.requirements.redis) wanted.push({ address: addr.redisDb(app.name, 'app'), app: app.name, purpose: 'app' });
  if (apps.some((a) => a.requirements.discovery)) wanted.push({ address: addr.redisDb('shared', 'discovery'), app: '*', purpose: 'discovery' });
  if (apps.some((a) => a.requirements.notifications)) wanted.push({ address: addr.redisDb('shared', 'notifications'), app: '*', purpose: 'notifications' });

  const taken = new Set<number>();
  const kept = new Map<string, number>();
  for (const w of wanted) {
    const index = (prior.get(w.address)?.attributes as { index?: unknown } | undefined)?.index;
    if (typeof index === 'number' && !taken.has(index)) { kept.set(w.address, index); taken.add(index); }
  }
  let next = offset;
  return wanted.map((w) => {
    let index = kept.get(w.address);
    if (index === undefined) {
      while (taken.has(next)) next++;
      index = next;
      taken.add(index);
    }
    return { ...w, index };
  });
}
