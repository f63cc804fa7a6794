export default {
  apps: [{ name: 'auth', bootstrap: './apps/auht/dist/bootstrap.js' }],
};
