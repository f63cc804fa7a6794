// A generated secret's KEY becomes the address random_password.<KEY>, and omnitron's own keys hold the
// Postgres superuser's and the shared Redis' passwords: an app's config must not take them.
export default {
  apps: [{ name: 'search', bootstrap: './apps/search/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      redis: { preset: 'redis', secrets: { admin: { secret: 'redis_password' } } },
    },
  },
};
