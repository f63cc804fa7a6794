export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
  ],
  stacks: { dev: { type: 'local', serviceOverrides: { 'auth/search': { disabled: true } } } },
};
