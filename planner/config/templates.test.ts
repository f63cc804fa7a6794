import { describe, expect, it } from 'vitest';
import { checkBareMetalTemplates, checkDockerTemplates, checkTemplates, templateTokens } from './templates.js';

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

describe('templates outside env', () => {
  const scope = { ports: { main: 6380 }, secrets: { pw: {} } };
  it('checks docker.environment, variants and commands, and says nothing about known names', () => {
    const docker = { environment: { A: '${secret:pw}', B: '${port:main}', C: '${HOME}' }, command: ['redis-server', '--port', '${port:main}'], variants: { cluster: { environment: { D: '${secret:nope}' } } } };
    expect(checkDockerTemplates(docker, scope, { ...ctx, prefix: ['docker'] }).map((d) => [d.path, d.summary])).toEqual([
      ['docker.command[2]', '${port:main} is not rendered here; the command would get it as written'],
      ['docker.variants.cluster.environment.D', 'unknown secret "nope" in ${secret:nope}'],
    ]);
  });
  it('checks configTemplate without warning about other ${...} forms, which config files use', () => {
    expect(checkBareMetalTemplates({ configTemplate: 'port ${port:main}\nupstream ${UPSTREAM}\nrequirepass ${secret:pw}\n' }, scope, ctx)).toEqual([]);
    expect(checkBareMetalTemplates({ configTemplate: 'port ${port:man}' }, scope, ctx)[0].summary).toBe('unknown port "man" in ${port:man} (did you mean "main"?)');
  });
});
