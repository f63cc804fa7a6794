export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', label: 'app-1' },
        { host: '10.0.0.6', label: 'app-1', role: 'database' },
      ],
    },
  },
};
