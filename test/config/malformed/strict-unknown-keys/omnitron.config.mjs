export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', critcal: true }],
  env: { NODE_ENV: 'production' },
};
