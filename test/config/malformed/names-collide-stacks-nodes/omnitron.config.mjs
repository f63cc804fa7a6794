// Stacks that differ only in case own the same Docker objects; nodes named "db.1" and "db_1" share addresses,
// and so does an app named "shared.discovery" with the stack's shared Redis DB index for discovery.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'shared.discovery', bootstrap: './apps/shared/dist/bootstrap.js' },
  ],
  stacks: {
    dev: { type: 'local' },
    Prod: { type: 'remote', nodes: [{ host: '10.0.0.5', name: 'app' }] },
    prod: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', name: 'db.1', role: 'database' },
        { host: '10.0.0.6', name: 'db_1', role: 'app' },
      ],
    },
  },
};
