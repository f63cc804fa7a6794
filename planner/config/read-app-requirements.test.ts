import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TempProject } from '../../test/config/make-project.js';
import { parseJson, readAppRequirements } from './read-app-requirements.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

const read = (files: Record<string, string | object>) => {
  project = makeProject(files);
  return readAppRequirements(project.file('apps/media'), { root: project.dir, strict: false });
};

describe('readAppRequirements', () => {
  it('means no requirements without a config/default.json or without an omnitron key', () => {
    expect(read({ 'apps/media/src/x.ts': '' })).toEqual({ requirements: { discovery: false, notifications: false, infrastructure: {} }, diagnostics: [] });
    project!.remove();
    const r = read({ 'apps/media/config/default.json': { redis: { clients: {} } } });
    expect(r.requirements).toEqual({ discovery: false, notifications: false, infrastructure: {}, configFile: project!.file('apps/media/config/default.json') });
  });

  it('reads database, redis, s3 and service flags', () => {
    const r = read({ 'apps/media/config/default.json': { omnitron: {
      database: { pool: { max: 20 } }, redis: { prefix: 'media:' }, s3: { bucket: 'uploads' }, services: { discovery: true, notifications: false },
    } } });
    expect(r.diagnostics).toEqual([]);
    expect(r.requirements).toMatchObject({
      database: { dialect: 'postgres', pool: { min: 2, max: 20 } }, redis: { prefix: 'media:' }, s3: { bucket: 'uploads' },
      discovery: true, notifications: false, infrastructure: {},
    });
  });

  it('reads `true` forms and treats false as absent', () => {
    const r = read({ 'apps/media/config/default.json': { omnitron: { database: true, redis: true, s3: false } } });
    expect(r.requirements).toMatchObject({ database: { dialect: 'postgres' }, redis: {} });
    expect(r.requirements.s3).toBeUndefined();
  });

  it('normalises declared services with paths inside the json file', () => {
    const r = read({ 'apps/media/config/default.json': { omnitron: { infrastructure: {
      search: { ports: { http: 9200 }, env: { URL: '${port:http}', K: '${secret:key}' }, docker: { image: 'es:8', volumes: { conf: { source: './infra/es', target: '/c' } } } },
    } } } });
    expect(r.diagnostics).toEqual([expect.objectContaining({
      severity: 'error', file: project!.file('apps/media/config/default.json'), path: 'omnitron.infrastructure.search.env.K',
    })]);
    expect(r.requirements.infrastructure.search.docker!.volumes.conf.source).toBe(project!.file('infra/es'));
  });

  it('reports a file that is not JSON with its line', () => {
    const r = read({ 'apps/media/config/default.json': '{\n  "omnitron": {\n    "database": true,\n  }\n}\n' });
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 4, file: project!.file('apps/media/config/default.json') })]);
    expect(r.diagnostics[0].summary).toMatch(/^not valid JSON: /);
  });
});

describe('parseJson', () => {
  it('reports the last line for truncated input', () => {
    const r = parseJson('{\n "a": ', '/f.json');
    expect(r).toEqual({ diagnostic: expect.objectContaining({ summary: 'not valid JSON: unexpected end of input', line: 2 }) });
  });
});

describe('parseJson: what JSON.parse refuses, said plainly', () => {
  it('names a byte order mark, on line 1', () => {
    expect(parseJson('\uFEFF{}', 'f.json')).toEqual({ diagnostic: expect.objectContaining({ summary: 'not valid JSON: the file starts with a byte order mark (U+FEFF)', line: 1 }) });
  });
  it('names a comment, on its own line', () => {
    expect(parseJson('{\n  "a": 1,\n  // why\n  "b": 2\n}', 'f.json')).toEqual({ diagnostic: expect.objectContaining({ summary: 'not valid JSON: comments are not allowed', line: 3 }) });
    expect(parseJson('{ "a": 1 /* why */ }', 'f.json')).toEqual({ diagnostic: expect.objectContaining({ summary: 'not valid JSON: comments are not allowed', line: 1 }) });
  });
});

describe('readAppRequirements: a config that is a directory', () => {
  it('says so instead of asking about permissions', () => {
    const p = makeProject({ 'app/config/default.json/.keep': '' });
    try {
      expect(readAppRequirements(p.file('app'), { root: p.dir, strict: false }).diagnostics).toEqual([
        expect.objectContaining({ severity: 'error', summary: 'the app\'s config is a directory, not a file' }),
      ]);
    } finally {
      p.remove();
    }
  });
});
