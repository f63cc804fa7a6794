export default {
  apps: [
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', startupTimeout: '90s' },
    { name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js', startupTimeout: '90 seconds' },
  ],
};
