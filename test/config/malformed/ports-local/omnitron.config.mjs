// On a local stack every container publishes its ports on this machine, where the apps listen too.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', env: { PORT: '3101' } },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', env: { PORT: 6379 } },
  ],
  infrastructure: {
    services: {
      search: { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0' } },
      logs: { ports: { http: 9201 }, docker: { image: 'opensearch:2', portMappings: { http: 9200 } } },
      metrics: { ports: { http: 3101 }, docker: { image: 'prom/prometheus:v2', bindHost: '0.0.0.0' } },
    },
  },
  stacks: { dev: { type: 'local', serviceOverrides: { metrics: { docker: { portMappings: { http: 9200 } } } } } },
};
