import { describe, expect, it } from 'vitest';
import { schemaPair } from './schema.js';
import { checkShape, knownKeysAt } from './zod-diagnostics.js';

const ctx = { file: '/p/omnitron.config.ts', prefix: [], strict: false };

describe('checkShape', () => {
  it('returns the data and no diagnostics for a valid input', () => {
    const r = checkShape(schemaPair('app'), { name: 'auth', bootstrap: './a.js' }, ctx);
    expect(r).toEqual({ data: { name: 'auth', bootstrap: './a.js' }, diagnostics: [] });
  });

  it('downgrades unknown keys to warnings, strips them, and suggests the known key', () => {
    const r = checkShape(schemaPair('app'), { name: 'auth', bootstrap: './a.js', dependOn: ['x'] }, { ...ctx, prefix: ['apps', 1] });
    expect(r.data).toEqual({ name: 'auth', bootstrap: './a.js' });
    expect(r.diagnostics).toEqual([{
      severity: 'warning', summary: 'unknown key (did you mean "dependsOn"?)',
      detail: 'omnitron ignores it; remove it or fix its spelling', file: ctx.file, path: 'apps[1].dependOn',
    }]);
  });

  it('makes unknown keys errors in strict mode and then returns no data', () => {
    const r = checkShape(schemaPair('app'), { name: 'auth', bootstrap: './a.js', extra: 1 }, { ...ctx, strict: true });
    expect(r.data).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', path: 'extra', detail: 'strict mode rejects unknown keys; remove it or fix its spelling' });
  });

  it('narrows a union to the branch the input aims at', () => {
    const r = checkShape(schemaPair('appConfig'), { database: { dialect: 'postgres', pooll: {} } }, { ...ctx, prefix: ['omnitron'] });
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'omnitron.database.pooll', summary: 'unknown key (did you mean "pool"?)' })]);
  });

  it('describes a value no union branch accepts', () => {
    const r = checkShape(schemaPair('appConfig'), { redis: 'yes' }, ctx);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', path: 'redis', summary: 'expected a boolean or an object, got "yes"' });
  });

  it('reports missing fields, enum values with a suggestion, and ranges', () => {
    const stack = checkShape(schemaPair('stack'), { type: 'clustr', nodes: [{ ssh: { port: 0 } }] }, { ...ctx, prefix: ['stacks', 'prod'] });
    expect(stack.diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual([
      'stacks.prod.type: expected "local", "remote" or "cluster", got "clustr" (did you mean "cluster"?)',
      'stacks.prod.nodes[0].host: missing required field (expected a string)',
      'stacks.prod.nodes[0].ssh.port: invalid port 0',
    ]);
    const app = checkShape(schemaPair('app'), { name: '', bootstrap: './a.js', instances: 1.5 }, ctx);
    expect(app.diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual(['name: must not be empty', 'instances: expected an integer, got 1.5']);
  });

  it('carries a fix for custom checks', () => {
    const r = checkShape(schemaPair('logging'), { maxSize: '50 megs' }, { ...ctx, prefix: ['logging'] });
    expect(r.diagnostics[0]).toMatchObject({ summary: 'invalid size "50 megs"', detail: 'use a string like "256m", "50mb" or "1g"' });
  });
});

describe('knownKeysAt', () => {
  it('walks objects, records, arrays and unions', () => {
    const eco = schemaPair('stack').strict;
    expect(knownKeysAt(eco, ['nodes', 0, 'ssh'])).toEqual(['user', 'port', 'privateKey']);
    expect(knownKeysAt(eco, ['serviceOverrides', 'x', 'external'])).toEqual(['host', 'ports', 'secrets']);
    expect(knownKeysAt(schemaPair('customService').strict, ['docker', 'volumes', 'data'])).toEqual(['source', 'target', 'readonly']);
  });
});
