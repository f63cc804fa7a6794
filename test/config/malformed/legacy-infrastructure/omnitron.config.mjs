export default {
  apps: [],
  infrastructure: {
    postgres: { image: 'postgres:16', port: 5480 },
    services: { gateway: { preset: 'openresty', config: { configDir: './infra/nginx' } } },
  },
  gateway: { port: 8080 },
};
