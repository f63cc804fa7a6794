export default {
  apps: [{ name: 'auth', critical: true }],
};
