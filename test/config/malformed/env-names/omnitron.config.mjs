// App env is written to an env file (shell-style names only); Docker takes any name without "=".
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', env: { 'LOG-LEVEL': 'debug', 'PORT ': '3101' } }],
  infrastructure: {
    services: {
      search: {
        ports: { http: 9200 },
        env: { 'search.url': 'http://${host}:${port:http}' },
        docker: { image: 'elasticsearch:8.11.0', environment: { 'discovery.type': 'single-node', 'ES_JAVA_OPTS=-Xms1g': '' } },
      },
    },
  },
  stacks: { dev: { type: 'local', settings: { env: { '1ST_RUN': 'yes' } } } },
};
