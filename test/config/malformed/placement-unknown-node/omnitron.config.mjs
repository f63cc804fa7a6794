// placement names a node by name; "dbb" is not one. A local stack has no nodes to place on.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    dev: { type: 'local', serviceOverrides: { postgres: { placement: 'db' } } },
    prod: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', name: 'db', role: 'database' },
        { host: '10.0.0.6', name: 'app', role: 'app' },
      ],
      serviceOverrides: { postgres: { placement: 'dbb' } },
    },
  },
};
