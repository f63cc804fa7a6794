export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'] },
  ],
  stacks: { test: { type: 'local', apps: ['media'] } },
};
