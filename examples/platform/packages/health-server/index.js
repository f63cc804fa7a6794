// A tiny HTTP service shared by the example apps (the workspace package @platform/health-server).
// GET /health checks every backing service the app was wired to (DATABASE_URL, REDIS_URL, PUBSUB_URL)
// and answers 200 only when all of them respond.
import http from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';

async function checkPostgres(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT current_database() AS db, current_user AS role');
    return `ok (${rows[0].role}@${rows[0].db})`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(url) {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply';
  } finally {
    redis.disconnect();
  }
}

const CHECKS = { DATABASE_URL: checkPostgres, REDIS_URL: checkRedis, DISCOVERY_REDIS_URL: checkRedis, PUBSUB_URL: checkRedis };

/** `checks`: more checks by the env variable that turns them on, e.g. { S3_BUCKET: checkBucket }. */
export async function health(env = process.env, checks = {}) {
  const results = {};
  let ok = true;
  for (const [key, check] of Object.entries({ ...CHECKS, ...checks })) {
    if (!env[key]) continue;
    try {
      results[key] = await check(env[key]);
    } catch (err) {
      ok = false;
      results[key] = `failed: ${err.code ?? err.message}`;
    }
  }
  return { ok, checks: results };
}

/**
 * `routes`: more handlers by "METHOD /path", e.g. { 'POST /entries': (req, res) => ... }; `prefixes`:
 * handlers by path prefix, e.g. { '/uploads/': (req, res) => ... }; `checks`: more health checks.
 */
export function startHealthServer({ name, port = Number(process.env.PORT ?? 3000), host = process.env.HOST ?? '127.0.0.1', routes = {}, prefixes = {}, checks = {} }) {
  const server = http.createServer(async (req, res) => {
    const prefix = Object.keys(prefixes).find((p) => req.url.startsWith(p));
    const route = routes[`${req.method} ${req.url}`] ?? (prefix && prefixes[prefix]);
    if (route) { await Promise.resolve(route(req, res)).catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); }); return; }
    if (req.url !== '/health') { res.writeHead(404).end(); return; }
    const result = await health(process.env, checks);
    res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ app: name, ...result }));
  });
  return new Promise((resolve) => server.listen(port, host, () => {
    process.send?.({ type: 'ready' });
    resolve(server);
  }));
}
