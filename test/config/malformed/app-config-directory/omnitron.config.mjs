// config/default.json is a directory here (a mistaken mkdir -p), not the JSON file.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
};
