export default {
  apps: [],
  infrastructure: { services: { gateway: { preset: 'openresty', config: { configDir: './infra/nginx' } } } },
};
