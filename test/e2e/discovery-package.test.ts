/**
 * `omnitron/discovery` as an app imports it from the package: the built export resolves through
 * package.json `exports`, carries its types (an app's misuse fails to type-check), and an app run
 * with Node registers itself in a real Redis and finds itself by service. Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireNode24 } from './support/cli.js';
import { startRedis, type TestRedis } from '../support/discovery/redis-servers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const run = promisify(execFile);
const TSC = path.join(REPO_ROOT, 'node_modules/.bin/tsc');

const APP = `import { Redis } from 'ioredis';
import { DiscoveryClient, type NodeInfo, type ServiceInfo } from 'omnitron/discovery';

const redis = new Redis(process.env.DISCOVERY_REDIS_URL!);
const discovery = new DiscoveryClient(redis, { redisPrefix: 'app-test:discovery', heartbeatInterval: 1_000, heartbeatTTL: 3_000 });
const services: ServiceInfo[] = [{ name: 'users', version: '1.0.0', weight: 2 }];
await discovery.registerNode('app-1', '10.0.0.5:3000', services);
const found: NodeInfo[] = await discovery.findNodesByService('users', '');
const info = await discovery.getNodeInfo('app-1');
console.log(JSON.stringify({ found: found.map((n) => [n.nodeId, n.address, n.services]), exists: await discovery.nodeExists('app-1'), timestamp: typeof info?.timestamp }));
await discovery.stop();
redis.disconnect();
`;

const MISUSE = `import { DiscoveryClient } from 'omnitron/discovery';
declare const client: DiscoveryClient;
const address: number = (await client.findNodes())[0]!.address;
await client.registerNode('n', '10.0.0.5:3000', [{ version: '1' }]);
export { address };
`;

const TSCONFIG = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2024', strict: true, noEmit: true, skipLibCheck: true, types: [] } };

describe('omnitron/discovery from an app', () => {
  let dir: string;
  let server: TestRedis;

  beforeAll(async () => {
    requireNode24();
    if (!existsSync(path.join(REPO_ROOT, 'dist/runtime/discovery/index.d.ts'))) throw new Error('dist/runtime/discovery is missing: run npm run build first');
    dir = mkdtempSync(path.join(tmpdir(), 'omnitron-discovery-app-'));
    // As an app that installed omnitron and ioredis.
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(REPO_ROOT, path.join(dir, 'node_modules/omnitron'), 'dir');
    symlinkSync(path.join(REPO_ROOT, 'node_modules/ioredis'), path.join(dir, 'node_modules/ioredis'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'an-app', type: 'module', private: true }));
    writeFileSync(path.join(dir, 'app.ts'), APP);
    server = await startRedis();
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await server?.container.stop();
  });

  it('type-checks an app that uses it, and rejects one that misuses it', async () => {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['app.ts'] }));
    await run(TSC, ['-p', dir]);
    writeFileSync(path.join(dir, 'misuse.ts'), MISUSE);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['misuse.ts'] }));
    const failed = await run(TSC, ['-p', dir]).then(() => undefined, (e: { stdout: string }) => e.stdout);
    expect(failed).toMatch(/misuse\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(failed).toMatch(/misuse\.ts\(4,\d+\): error TS2741: Property 'name' is missing/);
  });

  it('registers and finds the app in a real Redis when Node runs it', async () => {
    const { stdout } = await run(process.execPath, [path.join(dir, 'app.ts')], {
      cwd: dir, env: { ...process.env, DISCOVERY_REDIS_URL: `redis://${server.host}:${server.port}/2` },
    });
    expect(JSON.parse(stdout)).toEqual({
      found: [['app-1', '10.0.0.5:3000', [{ name: 'users', version: '1.0.0', weight: 2 }]]], exists: true, timestamp: 'number',
    });
  });
});
