// The app needs Postgres and Redis; no node has the database or cache role, and no placement says where.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: { type: 'cluster', nodes: [{ host: '10.0.0.6', name: 'app', role: 'app' }] },
  },
};
