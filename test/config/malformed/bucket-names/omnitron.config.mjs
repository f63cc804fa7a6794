// Bucket names from the config: a minio service's config.buckets and the daemon's infrastructure.minio.buckets.
export default {
  apps: [],
  infrastructure: {
    minio: { buckets: ['backups', 'ab'] },
    services: { store: { preset: 'minio', config: { buckets: ['exports', 'Exports_2026', 7, '192.168.0.1'] } } },
  },
};
