import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { loadEcosystemFromObject } from '../config/load-ecosystem.js';
import { resolveStack } from '../config/resolve-stack.js';
import { checkedStack } from '../config/stack-checks.js';
import { place } from '../config/placement.js';
import type { StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { buildRemoteGraph } from './remote-stack.js';
import type { NodeArtifacts } from './node-apps.js';
import { gatewayHealth } from './gateway-on-node.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

const NGINX_CONF = [
  'env REDIS_HOST;',
  'http {',
  'upstream web_backend { server ${UPSTREAM_WEB_HOST}:${UPSTREAM_WEB_PORT}; }',
  'upstream web_ws { server ${UPSTREAM_WEB_WS_HOST}:${UPSTREAM_WEB_WS_PORT}; }',
  'server { listen 8080; access_by_lua_file /etc/nginx/lua/check.lua; location = /nginx-health { return 200; } }',
  '}',
  '',
].join('\n');

const node = (name: string, role: string, address: string) => ({ name, role, host: `${name}.internal`, address, ssh: { user: 'root', port: 22 } });

async function stack(nodes: object[], overrides: object = {}): Promise<StackModel> {
  project = makeProject({
    'apps/web/config/default.json': { omnitron: { redis: true } }, 'apps/web/src/main.js': '',
    'infra/nginx/nginx.conf': NGINX_CONF, 'infra/nginx/lua/check.lua': 'return\n',
  });
  const { ecosystem, diagnostics } = await loadEcosystemFromObject({
    project: 'shop',
    apps: [{ name: 'web', script: './apps/web/src/main.js', instances: 2, env: { PORT: '4000', WS_PORT: '4100' } }],
    infrastructure: { services: { gateway: { preset: 'openresty', config: { configDir: './infra/nginx' }, ports: { http: 8080 } } } },
    stacks: { prod: { type: 'cluster', nodes, serviceOverrides: overrides } },
  }, { file: project.file('omnitron.config.ts'), strict: false });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(checkedStack(ecosystem!, 'prod').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolveStack(ecosystem!, 'prod').model!;
}

function graph(model: StackModel): Map<string, DesiredResource> {
  const names = model.stack.nodes.map((n) => n.name);
  const artifacts: NodeArtifacts = {
    runtimes: new Map(names.map((n) => [n, { version: 'v24.0.0', sha256: 'a'.repeat(64), gzPath: '/cache/node.gz', machine: 'x86_64' }])),
    agent: { sha256: 'c'.repeat(64), path: '/dist/agent.mjs' },
    releases: new Map([['web', { sha256: 'web-sha', path: '/artifacts/web.tar.gz', machine: 'x86_64' }]]),
  };
  const scope = { project: 'shop', stack: 'prod', root: project!.dir, stackDir: '/tmp/stack' };
  return new Map(buildRemoteGraph(model, new Map(), scope, artifacts).map((r) => [r.address, r]));
}

const attrs = (g: Map<string, DesiredResource>, address: string) => {
  const r = g.get(address);
  if (!r) throw new Error(`no ${address} in ${[...g.keys()].join(', ')}`);
  return r.attributes as Record<string, unknown>;
};

const cluster = [node('edge', 'gateway', '10.0.0.1'), node('a1', 'app', '10.0.0.2'), node('a2', 'app', '10.0.0.3')];

describe('the gateway on a node stack', () => {
  it('runs on the gateway node, else beside the apps', async () => {
    const withEdge = await stack(cluster, { redis: { placement: 'edge' } });
    expect(place(withEdge).services.get('gateway')?.name).toBe('edge');
    const appsOnly = await stack([node('c', 'cache', '10.0.0.4'), node('a1', 'app', '10.0.0.2'), node('a2', 'app', '10.0.0.3')]);
    expect(place(appsOnly).services.get('gateway')?.name).toBe('a1');
  });

  it('fills one server per node and per instance, the websocket once per node, in the one-line upstreams', async () => {
    const g = graph(await stack(cluster, { redis: { placement: 'edge' } }));
    const site = attrs(g, 'node_file.edge.gateway/etc/nginx/nginx_conf');
    expect(site).toMatchObject({ node: 'edge', path: '/etc/omnitron/gateway/gateway/etc/nginx/nginx.conf', mode: '0644' });
    expect(site.content).toContain('upstream web_backend { server 10.0.0.2:4000; server 10.0.0.2:4001; server 10.0.0.3:4000; server 10.0.0.3:4001; }');
    expect(site.content).toContain('upstream web_ws { server 10.0.0.2:4100; server 10.0.0.3:4100; }');
    expect(attrs(g, 'node_file.edge.gateway/etc/nginx/lua/check_lua').path).toBe('/etc/omnitron/gateway/gateway/etc/nginx/lua/check.lua');
    expect(attrs(g, 'node_file.edge.gateway/etc/nginx/omnitron/lua/resty/redis_lua').path).toBe('/etc/omnitron/gateway/gateway/etc/nginx/omnitron/lua/resty/redis.lua');
  });

  it('reaches apps beside it on its loopback', async () => {
    const g = graph(await stack([node('solo', 'app', '10.0.0.9')], { redis: { placement: 'solo' } }));
    expect(attrs(g, 'node_file.solo.gateway/etc/nginx/nginx_conf').content).toContain('upstream web_backend { server 127.0.0.1:4000; server 127.0.0.1:4001; }');
  });

  it('checks /nginx-health where the site has it, else that its port accepts connections', async () => {
    const model = await stack(cluster, { redis: { placement: 'edge' } });
    const gateway = model.services.find((s) => s.name === 'gateway')!;
    const file = (content: string) => [{ target: '/etc/nginx/nginx.conf', content }];
    expect(gatewayHealth(gateway, file(NGINX_CONF))).toMatchObject({ type: 'http', target: 'http://127.0.0.1:8080/nginx-health' });
    expect(gatewayHealth(gateway, file('http { server { listen 8080; } }'))).toMatchObject({ type: 'tcp', target: '127.0.0.1:8080' });
  });

  it('installs Debian\'s nginx and Lua module and gives the Lua REDIS_* in a 0600 env file, the password masked', async () => {
    const g = graph(await stack(cluster, { redis: { placement: 'a2' } }));
    for (const pkg of ['nginx', 'libnginx-mod-http-lua', 'lua-resty-core']) expect(attrs(g, `apt_package.edge.${pkg}`)).toEqual({ node: 'edge', name: pkg });
    const env = g.get('node_env_file.edge.gateway')!;
    expect(env.attributes).toMatchObject({ path: '/etc/omnitron/gateway/gateway.env', owner: 'root', mode: '0600' });
    expect((env.attributes as { variables: object }).variables).toMatchObject({
      REDIS_HOST: '10.0.0.3', REDIS_PORT: '6379', REDIS_PASSWORD: { $ref: 'random_password.redis_password', output: 'result' },
      OMNITRON_MAINTENANCE_KEY: 'shop:maintenance', LUA_PATH: ';;/etc/nginx/omnitron/lua/?.lua',
    });
    expect(env.sensitive).toEqual(['variables.REDIS_PASSWORD']);
  });

  it('runs its own unit, the files bound over /etc/nginx in its namespace only, started after the apps and Redis and health-gated', async () => {
    const g = graph(await stack(cluster, { redis: { placement: 'edge' } }));
    const unit = attrs(g, 'systemd_unit.edge.gateway');
    expect(unit.name).toBe('omnitron-gateway.service');
    const lines = String(unit.content).split('\n');
    expect(lines).toContain('ExecStart=/usr/sbin/nginx -c /etc/nginx/omnitron.conf -g "daemon off; pid /run/omnitron-gateway/nginx.pid; error_log stderr;"');
    expect(lines).toContain('EnvironmentFile=/etc/omnitron/gateway/gateway.env');
    expect(lines).toContain('BindReadOnlyPaths=' + ['lua', 'maintenance.html', 'nginx.conf', 'omnitron', 'omnitron.conf']
      .map((e) => `/etc/omnitron/gateway/gateway/etc/nginx/${e}:/etc/nginx/${e}`).join(' '));
    expect(lines).toContain('ReadWritePaths=/var/lib/nginx /var/log/nginx');
    const service = g.get('systemd_service.edge.gateway')!;
    expect(service.attributes).toMatchObject({
      name: 'omnitron-gateway.service', enabled: true, active: true,
      health: { type: 'http', target: 'http://127.0.0.1:8080/nginx-health' },
    });
    expect(service.dependsOn).toEqual(expect.arrayContaining([
      'systemd_service.a1.omnitron-agent', 'systemd_service.a2.omnitron-agent', 'systemd_service.edge.redis-server',
      'systemd_daemon_reload.edge.gateway', 'node_env_file.edge.gateway',
    ]));
  });
});
