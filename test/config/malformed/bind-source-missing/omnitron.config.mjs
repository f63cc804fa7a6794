// A bind mount's source must exist on this machine, or Docker refuses to create the container.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      search: {
        ports: { http: 9200 },
        docker: { image: 'elasticsearch:8.11.0', volumes: { config: { source: './search/elasticsearch.yml', target: '/usr/share/elasticsearch/config/elasticsearch.yml', readonly: true } } },
      },
    },
  },
};
