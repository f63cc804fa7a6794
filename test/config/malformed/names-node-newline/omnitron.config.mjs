// A node name ends up in every resource address of the node; a newline in one crashed plan.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', name: 'db\n1', role: 'database' },
        { host: '10.0.0.6', label: 'app server', role: 'app' },
        { host: 'fd00::7', role: 'cache' },
      ],
    },
  },
};
