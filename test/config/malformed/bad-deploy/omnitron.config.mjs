export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: { type: 'remote', nodes: [{ host: '10.0.0.5' }], deploy: { limit: 0, wait: 'soon', batch: 2 } },
  },
};
