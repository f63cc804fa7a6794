// bareMetal.packages reach apt on a node: names, ranges and repeats are checked first.
export default {
  apps: [{ name: 'search', bootstrap: './apps/search/dist/bootstrap.js' }],
};
