export default {
  project: 'shop',
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
  ],
};
