// On nodes a custom service is a systemd unit; these two have none, so nothing would run them.
export default {
  apps: [{ name: 'media', bootstrap: './apps/media/dist/bootstrap.js' }],
  stacks: {
    dev: { type: 'local' },
    prod: { type: 'remote', nodes: [{ host: '10.0.0.6', name: 'app' }] },
  },
};
