// A pinned hostKey is the SHA256 fingerprint, not the public key line from known_hosts.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  stacks: {
    prod: {
      type: 'remote',
      nodes: [{ host: 'app.internal', name: 'app', hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' }],
    },
  },
};
