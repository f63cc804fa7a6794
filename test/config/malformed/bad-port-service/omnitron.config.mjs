export default {
  apps: [],
  infrastructure: {
    services: {
      search: { ports: { http: 70000, transport: 9300.5 }, docker: { image: 'elasticsearch:8.11.0' } },
    },
  },
};
