// Comments in config/default.json: JSON has none (a line comment and a block comment).
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
  ],
};
