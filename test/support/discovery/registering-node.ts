/**
 * A registering node for the SIGKILL test, run as its own process from an esbuild bundle (which also
 * proves the embedded Lua survives bundling). argv: port prefix channel nodeId intervalMs ttlMs.
 * Writes the discovery log as JSON lines on stdout and heartbeats until killed.
 */
import { Redis } from 'ioredis';
import { DiscoveryClient } from '../../../runtime/discovery/registry.js';

const [port, redisPrefix, pubSubChannel, nodeId, interval, ttl] = process.argv.slice(2);
const redis = new Redis({ host: '127.0.0.1', port: Number(port) });
const client = new DiscoveryClient(redis, { redisPrefix, heartbeatInterval: Number(interval), heartbeatTTL: Number(ttl), pubSubEnabled: true, pubSubChannel }, {
  log: (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`),
});
await client.registerNode(nodeId!, '127.0.0.1:4000', [{ name: 'users', version: '1.0.0' }]);
