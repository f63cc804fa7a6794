import { describe, expect, it } from 'vitest';
import { checkTemplates, templateTokens } from './templates.js';

const ctx = { file: '/p/apps/media/config/default.json', root: '/p', prefix: ['omnitron', 'infrastructure', 'search'], strict: false };

describe('templateTokens', () => {
  it('classifies host, port and secret references', () => {
    expect(templateTokens('http://${host}:${port:http}/?k=${secret:api-key}&x=${other}')).toEqual([
      { kind: 'host', token: '${host}' },
      { kind: 'port', name: 'http', token: '${port:http}' },
      { kind: 'secret', name: 'api-key', token: '${secret:api-key}' },
      { kind: undefined, token: '${other}' },
    ]);
  });
});

describe('checkTemplates', () => {
  it('accepts references to declared ports and secrets', () => {
    expect(checkTemplates({ URL: 'http://${host}:${port:http}', KEY: '${secret:k}' }, { http: 9200 }, { k: {} }, ctx)).toEqual([]);
  });

  it('names unknown ports and secrets with their path inside the json file', () => {
    const out = checkTemplates({ URL: 'http://${host}:${port:htp}', KEY: '${secret:key}' }, { http: 9200 }, {}, ctx);
    expect(out).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'unknown port "htp" in ${port:htp} (did you mean "http"?)', file: ctx.file, path: 'omnitron.infrastructure.search.env.URL' }),
      expect.objectContaining({ severity: 'error', summary: 'unknown secret "key" in ${secret:key}', path: 'omnitron.infrastructure.search.env.KEY' }),
    ]);
  });

  it('warns about other ${...} forms, which stay verbatim', () => {
    expect(checkTemplates({ DB: '${database}' }, {}, {}, ctx)).toEqual([expect.objectContaining({ severity: 'warning', summary: 'unknown template ${database} is left as is' })]);
  });
});
