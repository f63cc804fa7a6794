// Hosts with a port or a space, a host key that is not a fingerprint, Docker interfaces that are not addresses.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      search: {
        ports: { http: 9200 },
        docker: { image: 'elasticsearch:8.11.0', bindHost: 'localhost', extraHosts: ['metrics.internal 10.0.0.9'] },
      },
    },
  },
  stacks: {
    dev: { type: 'local', serviceOverrides: { search: { external: { host: 'search.internal:9200', ports: { http: 9200 } } } } },
    prod: {
      type: 'remote',
      nodes: [{ host: 'app.internal:2222', name: 'app', hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' }],
    },
  },
};
