export default {
  project: 'shop',
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['auth'] },
    { name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js', dependsOn: ['auht'] },
  ],
};
