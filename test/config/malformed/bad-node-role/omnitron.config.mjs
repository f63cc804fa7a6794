export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: { type: 'cluster', nodes: [{ host: '10.0.0.5', role: 'gatway', ssh: { user: '' } }] },
    staging: { type: 'local', apps: 'some' },
  },
};
