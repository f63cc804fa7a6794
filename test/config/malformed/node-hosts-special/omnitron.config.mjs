// Addresses that do not name one host, and SSH users that are not account names.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: {
      type: 'cluster',
      nodes: [
        { host: '0.0.0.0', name: 'db', role: 'database' },
        { host: '10.0.0.6', name: 'app', role: 'app', address: '::' },
        { host: '10.0.0.7', name: 'cache', role: 'cache', address: 'fe80::1%eth0' },
        { host: '224.0.0.1', name: 'worker', role: 'worker', ssh: { user: '-oProxyCommand=touch /tmp/pwned' } },
        { host: '10.0.0.9', name: 'gw', role: 'gateway', ssh: { user: 'root\nx' } },
      ],
      serviceOverrides: { search: { external: { host: '255.255.255.255', ports: { http: 9200 } } } },
    },
  },
  infrastructure: { services: { search: { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0' } } } },
};
