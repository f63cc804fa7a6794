import { defineEcosystem } from '@omnitron-dev/omnitron';

export default defineEcosystem({
  project: 'shop',
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    // @ts-expect-error: not a stack type
    prod: { type: 'kubernetes', nodes: [{ host: '10.0.0.5', ssh: { port: 2222.5 } }] },
  },
});
