// A stack override's docker.environment renders against the service it overrides.
export default {
  apps: [{ name: 'realtime', bootstrap: './apps/realtime/dist/bootstrap.js' }],
  stacks: {
    dev: {
      type: 'local',
      serviceOverrides: {
        'realtime/pubsub': { docker: { environment: { PUBSUB_PASSWORD: '${secret:pubsub}', PUBSUB_PORT: '${port:main}' } } },
        redis: { docker: { environment: { REDISCLI_AUTH: '${secret:redis_password}' } }, bareMetal: { bindAddress: '10.0.0.7' } },
      },
    },
  },
};
