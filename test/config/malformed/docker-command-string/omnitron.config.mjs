export default {
  apps: [],
  infrastructure: {
    services: {
      search: { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0', command: 'elasticsearch -E x=y', restart: 'sometimes' } },
    },
  },
};
