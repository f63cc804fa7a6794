// An app's config/default.json comes with the app: its services may bind-mount only paths inside the project.
export default {
  apps: [{ name: 'agentx', bootstrap: './apps/agentx/dist/bootstrap.js' }],
  infrastructure: { services: { monitor: { ports: { http: 8080 }, docker: { image: 'cadvisor:1', volumes: { sock: { source: '/var/run/docker.sock', target: '/var/run/docker.sock' } } } } } },
};
