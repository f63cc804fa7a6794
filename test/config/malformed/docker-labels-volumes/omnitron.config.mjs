// Labels omnitron (or an Omnitron daemon) reads as ownership, and a mount at a relative container path.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      search: {
        ports: { http: 9200 },
        docker: {
          image: 'elasticsearch:8.11.0',
          labels: { 'omnitron.managed': 'true', 'dev.omnitron.stack': 'prod', team: 'search' },
          volumes: { data: 'usr/share/elasticsearch/data' },
        },
      },
    },
  },
};
