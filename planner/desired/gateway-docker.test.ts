import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEcosystem } from '../config/load-ecosystem.js';
import { checkedStack } from '../config/stack-checks.js';
import type { DesiredResource, StackScope } from '../resource.js';
import { buildDesiredGraph } from './desired-graph.js';
import { LOCAL_AGENT_ADDRESS, type LocalAgentArtifacts } from './local-agent.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
const scope: StackScope = { project: 'platform', stack: 'dev', root: path.dirname(example), stackDir: '/work/p/.omnitron/dev' };
const artifacts: LocalAgentArtifacts = { bundle: { path: '/omnitron/dist/runtime/agent.bundle.mjs', sha256: 'c'.repeat(64) }, node: '/usr/local/bin/node', revisions: new Map() };

let graph: Map<string, DesiredResource>;
beforeAll(async () => {
  const resolved = checkedStack((await loadEcosystem({ file: example })).ecosystem!, 'dev');
  expect(resolved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  graph = new Map(buildDesiredGraph(resolved.model!, new Map(), scope, artifacts).map((r) => [r.address, r]));
});

describe('the example\'s gateway on its dev stack', () => {
  it('is a container on the host network from the local image, after its files, Redis and the apps', () => {
    const gateway = graph.get('docker_container.gateway')!;
    expect(gateway.attributes).toMatchObject({
      name: 'platform-dev-gateway', image: 'omnitron-local/gateway:bookworm', network: 'host', ports: [], aliases: [],
      command: ['nginx', '-c', '/etc/nginx/omnitron.conf', '-g', 'daemon off;'],
      env: { REDIS_HOST: '127.0.0.1', REDIS_PORT: '16379', OMNITRON_MAINTENANCE_KEY: 'platform:maintenance', LUA_PATH: ';;/etc/nginx/omnitron/lua/?.lua' },
    });
    expect(gateway.sensitive).toEqual(['env.REDIS_PASSWORD']);
    expect(gateway.dependsOn).toEqual(expect.arrayContaining(['docker_image.gateway', 'docker_container.redis', LOCAL_AGENT_ADDRESS, 'local_file.gateway/etc/nginx/nginx_conf']));
  });

  it('ships the site with the placeholders filled and the guide\'s Lua as it is, mounted read-only', () => {
    const file = (target: string) => graph.get(`local_file.gateway${target.replaceAll('.', '_')}`)!.attributes as { path: string; content: string; mode: string };
    expect(file('/etc/nginx/nginx.conf').content).toContain('upstream realtime_ws { server 127.0.0.1:3106; }');
    expect(file('/etc/nginx/nginx.conf').path).toBe('/work/p/.omnitron/dev/gateway/root/etc/nginx/nginx.conf');
    expect(file('/etc/nginx/lua/maintenance_check.lua').content).toContain('r:get("platform:maintenance")');
    expect(file('/etc/nginx/omnitron/lua/resty/redis.lua').mode).toBe('0644');
    const volumes = (graph.get('docker_container.gateway')!.attributes as { volumes: Array<{ target: string; readonly: boolean }> }).volumes;
    expect(volumes.map((v) => v.target)).toEqual(['/etc/nginx/lua', '/etc/nginx/maintenance.html', '/etc/nginx/nginx.conf', '/etc/nginx/omnitron', '/etc/nginx/omnitron.conf']);
    expect(volumes.every((v) => v.readonly)).toBe(true);
  });
});
