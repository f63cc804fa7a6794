// config/default.json starts with a UTF-8 byte order mark, which JSON.parse refuses.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
};
