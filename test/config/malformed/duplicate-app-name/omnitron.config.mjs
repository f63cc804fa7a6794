export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'auth', script: './apps/auth2/main.js' },
  ],
};
