// media was never built (no dist/), and ledger's bootstrap.js is a directory.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js' },
    { name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js' },
  ],
};
