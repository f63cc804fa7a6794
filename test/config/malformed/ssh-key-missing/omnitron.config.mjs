// A node's ssh.privateKey must be a key file on this machine.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: { type: 'remote', nodes: [{ host: '10.0.0.6', name: 'app', ssh: { user: 'deploy', privateKey: './keys/deploy_ed25519' } }] },
  },
};
