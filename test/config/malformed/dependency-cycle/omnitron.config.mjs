export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', dependsOn: ['media'] },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'] },
  ],
};
