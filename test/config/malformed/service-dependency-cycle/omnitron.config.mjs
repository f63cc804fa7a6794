export default {
  apps: [],
  infrastructure: {
    services: {
      queue: { ports: { main: 5672 }, dependsOn: ['search'], docker: { image: 'rabbitmq:3' } },
      search: { ports: { http: 9200 }, dependsOn: ['queue'], docker: { image: 'elasticsearch:8.11.0' } },
    },
  },
};
