export default {
  project: 'shop',
  daemon: { port: 9700 },
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependOn: ['auth'], dev: { logLevel: 'debug' } },
  ],
  logging: { level: 'info', directory: '~/.omnitron/logs' },
  supervison: { maxRestarts: 3 },
};
