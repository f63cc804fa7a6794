// instances: 3 listens on PORT, PORT+1 and PORT+2: the worker's port is the api's third copy's.
export default {
  apps: [
    { name: 'api', script: './apps/api/dist/main.js', instances: 3, env: { PORT: '3000' } },
    { name: 'worker', script: './apps/worker/dist/main.js', env: { PORT: '3002' } },
  ],
  stacks: { dev: { type: 'local' } },
};
