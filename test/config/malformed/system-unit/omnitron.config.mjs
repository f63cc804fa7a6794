// A service whose unit is sshd's would have omnitron restart, and on destroy stop and disable, the node's SSH server.
export default {
  apps: [{ name: 'media', bootstrap: './apps/media/dist/bootstrap.js' }],
};
