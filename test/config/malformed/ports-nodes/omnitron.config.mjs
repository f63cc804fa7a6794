// On a node, services placed there and the apps it runs share its ports.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
  ],
  stacks: {
    prod: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', name: 'cache', role: 'cache' },
        { host: '10.0.0.6', name: 'app', role: 'app' },
      ],
      settings: { env: { PORT: '3000' } },
    },
  },
};
