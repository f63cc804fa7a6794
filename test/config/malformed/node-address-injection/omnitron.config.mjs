// A node address becomes a client line of pg_hba.conf: this one would add a rule letting everybody in.
export default {
  apps: [{ name: 'ledger', bootstrap: './apps/ledger/dist/bootstrap.js' }],
  stacks: {
    production: {
      type: 'cluster',
      nodes: [
        { host: '10.0.0.5', name: 'db', role: 'database' },
        { host: '10.0.0.6', name: 'app', role: 'app', address: '10.0.0.6/32 scram-sha-256\nhost all all 0.0.0.0/0 trust\n#' },
        { host: 'all', name: 'worker', role: 'worker' },
      ],
    },
  },
};
