export default {
  apps: [{ name: 'media', bootstrap: './apps/media/dist/bootstrap.js' }],
  stacks: { dev: { type: 'local', serviceOverrides: { serach: { disabled: true } } } },
};
