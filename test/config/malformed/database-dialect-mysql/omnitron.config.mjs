export default {
  apps: [{ name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js' }],
};
