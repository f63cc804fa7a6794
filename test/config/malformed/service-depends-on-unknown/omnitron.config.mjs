export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      search: { ports: { http: 9200 }, dependsOn: ['postgress'], docker: { image: 'elasticsearch:8.11.0' } },
    },
  },
};
