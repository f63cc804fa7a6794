// Templates in docker.environment (base, variants, preset tweaks) name undeclared secrets and ports,
// and a command carries a template it would get verbatim.
export default {
  apps: [{ name: 'realtime', bootstrap: './apps/realtime/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      cache: { preset: 'redis', docker: { environment: { REDIS_ARGS: '--requirepass ${secret:redis_password}' } } },
      search: {
        ports: { http: 9200 },
        healthCheck: { type: 'tcp', target: 'htp' },
        docker: {
          image: 'elasticsearch:8.11.0',
          command: ['elasticsearch', '-Ehttp.port=${port:http}'],
          variants: { cluster: { environment: { 'transport.port': '${port:transport}' } } },
        },
      },
    },
  },
};
