import type { Provider } from '../../planner/resource.js';
import { observeRedis } from './observe.js';
import { redisDatabase } from './redis-database.js';

export { redisDatabase } from './redis-database.js';

export const redisProvider: Provider = {
  name: 'redis',
  types: [redisDatabase],
  observe: observeRedis,
};
