import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { loadEcosystemFromObject } from './load-ecosystem.js';
import { checkedStack } from './stack-checks.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

const gateway = { preset: 'openresty', config: { configDir: './infra/nginx' } };
const node = { name: 'edge', host: 'edge.internal', role: 'gateway', ssh: { user: 'root', port: 22 } };

async function check(stacks: object, nginx: string) {
  project = makeProject({ 'apps/web/config/default.json': { omnitron: {} }, 'apps/web/dist/bootstrap.js': '', 'infra/nginx/nginx.conf': nginx });
  const { ecosystem, diagnostics } = await loadEcosystemFromObject({
    project: 'shop', apps: [{ name: 'web', bootstrap: './apps/web/dist/bootstrap.js', env: { PORT: '3000' } }],
    infrastructure: { services: { gateway } }, stacks,
  }, { file: project.file('omnitron.config.ts'), strict: false });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return checkedStack(ecosystem!, Object.keys(stacks)[0]).diagnostics.filter((d) => d.severity === 'error');
}

describe('checkGateways', () => {
  it('names the file and line of a placeholder no app of the stack fills', async () => {
    const errors = await check({ dev: { type: 'local' } }, 'http {\n  upstream w { server ${UPSTREAM_WEB_HOST}:${UPSTREAM_WEB_PORT}; }\n  upstream a { server ${UPSTREAM_ADMIN_HOST}:1; }\n}\n');
    expect(errors).toEqual([expect.objectContaining({
      file: project!.file('infra/nginx/nginx.conf'), summary: 'line 3: ${UPSTREAM_ADMIN_HOST} names no app of this stack (stack "dev")',
    })]);
  });

  it('checks the placeholders on the nodes of a remote stack too, where the preset runs', async () => {
    expect(await check({ prod: { type: 'remote', nodes: [node] } }, 'http { upstream w { server ${UPSTREAM_WEB_HOST}:${UPSTREAM_WEB_PORT}; } }\n')).toEqual([]);
    const errors = await check({ prod: { type: 'remote', nodes: [node] } }, 'http { upstream w { server ${UPSTREAM_WEB_WS_HOST}:1; } }\n');
    expect(errors.map((e) => e.summary)).toEqual(['line 1: ${UPSTREAM_WEB_WS_HOST}: app "web" has no WS_PORT in its env (stack "prod")']);
  });
});
