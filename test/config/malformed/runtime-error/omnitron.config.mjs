const ports = { auth: 3001 };

export default {
  project: process.env.PROJECT_NAME.toLowerCase(),
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js', env: { PORT: ports.auth } }],
};
