import type { Provider } from '../../planner/resource.js';
import { postgresDatabase } from './database.js';
import { observePostgres } from './observe.js';
import { postgresRole } from './role.js';

export { postgresDatabase } from './database.js';
export { postgresRole } from './role.js';

export const postgresProvider: Provider = {
  name: 'postgres',
  types: [postgresRole, postgresDatabase],
  observe: observePostgres,
};
