// bareMetal values reach a unit name, chown and config files on the node: each is checked first.
export default {
  apps: [{ name: 'search', bootstrap: './apps/search/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      postgres: { preset: 'postgres', bareMetal: { bindAddress: "*'\nssl = off\n#" } },
    },
  },
};
