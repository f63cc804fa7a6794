export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', script: './apps/auth/main.js' }],
};
