export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: { prod: { type: 'remote', nodes: [{ label: 'prod-1', ssh: { user: 'deploy' } }] } },
};
