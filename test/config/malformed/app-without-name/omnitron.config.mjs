export default {
  apps: [{ bootstrap: './apps/auth/dist/bootstrap.js' }, { name: 42, script: './apps/x/main.js' }],
};
