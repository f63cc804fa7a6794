import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEcosystem } from './load-ecosystem.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Ecosystem } from './model.js';
import { presetRequirement } from './presets.js';
import { resolveStack } from './resolve-stack.js';
import { checkStackModel } from './stack-checks.js';

const example = path.resolve(fileURLToPath(new URL('../../examples/platform/omnitron.config.ts', import.meta.url)));
let eco: Ecosystem;

beforeAll(async () => {
  Object.assign(process.env, { PLATFORM_DB_ADDRESS: '10.9.0.2', PLATFORM_CACHE_ADDRESS: '10.9.0.3', PLATFORM_APP_ADDRESS: '10.9.0.4' });
  eco = (await loadEcosystem({ file: example })).ecosystem!;
});

/** What plan checks of a stack before touching a host, less the build outputs (the example need not be built). */
function checkedStack(e: Ecosystem, stack: string): { model?: unknown; diagnostics: Diagnostic[] } {
  const resolved = resolveStack(e, stack);
  const diagnostics = [...resolved.diagnostics, ...(resolved.model ? checkStackModel(e, resolved.model) : [])];
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { model: resolved.model, diagnostics };
}

const withProduction = (over: Partial<Ecosystem['stacks'][string]>, services: Ecosystem['services'] = eco.services): Ecosystem =>
  ({ ...eco, services, stacks: { ...eco.stacks, production: { ...eco.stacks.production, ...over } } });

describe('presets on bare-metal nodes', () => {
  it('the example\'s production stack disables its S3 server and plans', () => {
    expect(checkedStack(eco, 'production').model).toBeDefined();
  });

  it('says minio needs an install command or an external server, once', () => {
    const r = checkedStack(withProduction({ serviceOverrides: {} }), 'production');
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual([
      'service "minio" (preset "minio") runs on node "app" of stack "production" but MinIO is not a Debian package: give it bareMetal.installCommand (and systemdUnit), or an external server',
    ]);
  });

  it('accepts minio pointed at an external server', () => {
    const external = { host: 's3.internal', ports: { api: 9000 }, secrets: { accessKey: 'k', secretKey: 's' } };
    expect(checkedStack(withProduction({ serviceOverrides: { minio: { external } } }), 'production').model).toBeDefined();
  });

  it('plans tor on a node from Debian\'s package', () => {
    const tor = { ...presetRequirement('tor'), presetConfig: { hiddenServices: [{ name: 'admin', virtualPort: 80, target: '8080' }], extraTorrc: [] } };
    const r = checkedStack(withProduction({}, { ...eco.services, tor }), 'production');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
