export default {
  apps: [],
  infrastructure: { services: { db: { preset: 'postgress' } } },
};
