// Apps that ask for a database get a Postgres role and database of their name: these would be the server's own.
export default {
  apps: [
    { name: 'postgres', bootstrap: './apps/postgres/dist/bootstrap.js' },
    { name: 'pg_stats', bootstrap: './apps/pg_stats/dist/bootstrap.js' },
  ],
};
