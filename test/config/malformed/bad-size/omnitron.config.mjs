export default {
  apps: [],
  logging: { maxSize: '50 megs' },
  infrastructure: {
    services: { search: { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0', shmSize: 'big', resources: { memory: '1 gig' } } } },
  },
};
