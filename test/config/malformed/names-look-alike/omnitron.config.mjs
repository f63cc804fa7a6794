// "lеdger" has a Cyrillic "е" (U+0435) and ends in a zero-width space; quoted, it looks like "ledger".
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'l\u0435dger\u200b', bootstrap: './apps/ledger/dist/bootstrap.js' },
  ],
};
