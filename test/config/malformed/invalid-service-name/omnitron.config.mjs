export default {
  apps: [],
  infrastructure: { services: { 'search/main': { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0' } } } },
};
