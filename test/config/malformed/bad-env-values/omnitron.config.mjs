export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', env: { PORT: 3001, OPTS: { a: 1 } }, instances: 0 }],
};
