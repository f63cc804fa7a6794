export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: { staging: { type: 'local' }, prod: { type: 'remote', nodes: [{ host: '10.0.0.5' }] } },
};
