import type { Provider } from '../../planner/resource.js';
import { postgresDatabase } from './database.js';
import { observePostgres } from './observe.js';
import { postgresRole } from './role.js';
import { postgresSuperuser } from './superuser.js';

export { postgresDatabase } from './database.js';
export { postgresRole } from './role.js';
export { postgresSuperuser } from './superuser.js';

export const postgresProvider: Provider = {
  name: 'postgres',
  types: [postgresRole, postgresDatabase, postgresSuperuser],
  observe: observePostgres,
};
