export default {
  apps: [{ name: 'media', bootstrap: './apps/media/dist/bootstrap.js' }],
};
