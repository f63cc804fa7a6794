export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    dev: {
      type: 'local',
      serviceOverrides: {
        postgres: { docker: { portMappings: { mian: 15432 } } },
        redis: { external: { host: 'cache.internal', ports: { primary: 6380 } } },
      },
    },
  },
};
