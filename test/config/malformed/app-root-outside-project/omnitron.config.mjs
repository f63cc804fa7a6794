// A release packs the app's root, dirname(bootstrap)/..: here /etc/ssh, and the filesystem root.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'keys', script: '/etc/ssh/sshd_config.d/main.js' },
    { name: 'top', script: '/srv/main.js' },
  ],
};
