/** The engine reads' transport and error shapes, against a small HTTP server on a unix socket of this test's own. */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerMessage, dockerStatus, ifExists } from './errors.js';
import { socketReads, unixSocketOf } from './engine-reads.js';

const dir = mkdtempSync(path.join(tmpdir(), 'omnitron-engine-'));
const socket = path.join(dir, 'engine.sock');
const seen: string[] = [];
const server = http.createServer((req, res) => {
  seen.push(req.url ?? '');
  if (req.url?.startsWith('/containers/json')) return void res.end(JSON.stringify([{ Id: 'c1' }]));
  if (req.url === '/containers/gone/json') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such container: gone"}');
  if (req.url === '/volumes/broken') return void res.writeHead(500).end('engine on fire\n');
  if (req.url === '/networks/odd') return void res.end('not json');
  res.writeHead(418).end();
});

beforeAll(() => new Promise<void>((resolve) => server.listen(socket, resolve)));
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('reads on an engine socket', () => {
  const reads = socketReads(socket);

  it('lists with the filters as JSON in the query', async () => {
    expect(await reads.listContainers({ label: ['a=b'] })).toEqual([{ Id: 'c1' }]);
    expect(seen.at(-1)).toBe(`/containers/json?all=1&filters=${encodeURIComponent('{"label":["a=b"]}')}`);
  });

  it('fails like dockerode: the status, the engine\'s message, and undefined through ifExists for a 404', async () => {
    const gone = await reads.inspectContainer('gone').catch((e: unknown) => e);
    expect(dockerStatus(gone)).toBe(404);
    expect(dockerMessage(gone)).toBe('No such container: gone');
    expect((gone as Error).message).toBe('(HTTP code 404) No such container: gone');
    expect(await ifExists(reads.inspectContainer('gone'))).toBeUndefined();
  });

  it('keeps a body that is not JSON as the message of an error, and a bad 200 as a parse error', async () => {
    const broken = await reads.inspectVolume('broken').catch((e: unknown) => e);
    expect(dockerStatus(broken)).toBe(500);
    expect(dockerMessage(broken)).toBe('(HTTP code 500) engine on fire');
    await expect(ifExists(reads.inspectVolume('broken'))).rejects.toMatchObject({ statusCode: 500 });
    await expect(reads.inspectNetwork('odd')).rejects.toBeInstanceOf(SyntaxError);
  });

  it('encodes a name into one path segment', async () => {
    await reads.inspectImage('registry.local:5000/team/app:1.2').catch(() => undefined);
    expect(seen.at(-1)).toBe(`/images/${encodeURIComponent('registry.local:5000/team/app:1.2')}/json`);
  });

  it('reads DOCKER_HOST as docker-modem does', () => {
    expect(unixSocketOf('unix:///run/user/1000/docker.sock')).toBe('/run/user/1000/docker.sock');
    expect(unixSocketOf('unix://')).toBe('/var/run/docker.sock');
    expect(unixSocketOf('ssh://me@host')).toBeUndefined();
  });
});
