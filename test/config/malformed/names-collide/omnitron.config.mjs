// App and service names that differ here but not in resource addresses, which write "." as "_".
export default {
  apps: [
    { name: 'api.v1', bootstrap: './apps/api-v1/dist/bootstrap.js' },
    { name: 'api_v1', bootstrap: './apps/api-v1b/dist/bootstrap.js' },
  ],
  infrastructure: {
    services: {
      'search.v1': { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0' } },
      search_v1: { ports: { http: 9201 }, docker: { image: 'elasticsearch:8.11.0' } },
    },
  },
};
