export default {
  project: 'shop',
  apps: [],
  state: { backend: 'postgres', url: 'mysql://ops:hunter2@db.internal:3306/state', schema: 'drop table' },
  stacks: {
    dev: { type: 'local', state: { backend: 'postgres', url: 'postgres://ops:hunter2@db.internal' } },
    ci: { type: 'local', state: { backend: 'postgres' } },
    qa: { type: 'local', state: { backend: 's3', url: 'postgres://ops:hunter2@db/state' } },
  },
};
