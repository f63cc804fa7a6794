export default {
  apps: [],
  supervision: { strategy: 'one-for-one', maxRestarts: -1, backoff: { type: 'exponential', factor: 0 } },
  monitoring: { healthCheck: { interval: '15s', timeout: 'soon' } },
};
