// The ledger service, shipped unbundled: `ioredis` and the shared workspace packages come from the
// node_modules its release carries (installed from the workspace's package-lock.json).
// GET /health checks its database and Redis; POST /entries (a bearer token the auth app would issue,
// verified with the stack's JWT_SECRET) counts an entry in the ledger's own Redis DB.
import { Redis } from 'ioredis';
import { authenticate } from '@platform/auth-utils';
import { startHealthServer } from '@platform/health-server';

const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 }) : undefined;

async function entries(req, res) {
  const claims = authenticate(req);
  if (!claims) return res.writeHead(401).end();
  if (!redis) return res.writeHead(503).end();
  const count = await redis.incr(`ledger:entries:${claims.sub ?? 'anonymous'}`);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ user: claims.sub, entries: count }));
}

await startHealthServer({ name: 'ledger', routes: { 'POST /entries': entries } });
