// A service's version is a semver range that validateCommand's output is checked against.
export default {
  apps: [{ name: 'search', bootstrap: './apps/search/dist/bootstrap.js' }],
};
