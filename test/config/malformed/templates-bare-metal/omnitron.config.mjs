// configTemplate renders ${port:…} and ${secret:…}; the names must be the service's. Commands are not rendered.
export default {
  apps: [{ name: 'realtime', bootstrap: './apps/realtime/dist/bootstrap.js' }],
};
