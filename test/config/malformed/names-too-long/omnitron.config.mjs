// Postgres identifiers are at most 63 bytes, DNS labels (a service's network alias) too.
export default {
  apps: [{ name: 'billing-reconciliation-and-settlement-service-for-the-eu-region-2', bootstrap: './apps/billing/dist/bootstrap.js' }],
  infrastructure: {
    services: {
      'search-engine-for-full-text-indexing-of-documents-and-attachments': { ports: { http: 9200 }, docker: { image: 'elasticsearch:8.11.0' } },
    },
  },
};
