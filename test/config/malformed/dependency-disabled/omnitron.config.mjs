export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', enabled: false },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'] },
  ],
};
