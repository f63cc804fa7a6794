// A number read from an unset environment variable is NaN; it is named as NaN, not null.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', instances: Number(process.env.OMNITRON_TEST_UNSET_INSTANCES) }],
  stacks: {
    prod: { type: 'remote', nodes: [{ host: '10.0.0.5', name: 'app', ssh: { port: Number(process.env.OMNITRON_TEST_UNSET_SSH_PORT) } }] },
  },
};
