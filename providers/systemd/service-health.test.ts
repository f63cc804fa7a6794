import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { healthCommand } from './service-health.js';

// Asynchronous: the servers answering the checks live in this process.
const run = (command: string): Promise<number> => new Promise((resolve) => {
  execFile('sh', ['-c', command], (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0));
});

function listen(status: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => { res.statusCode = req.url === '/ok?x=1' ? status : 404; res.end(); });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('the health check a node runs', () => {
  it('every value is one quoted word: a target with shell syntax is data, not a command', () => {
    expect(healthCommand({ type: 'command', target: 'redis-cli ping | grep -q PONG', timeout: 5000 })).toBe("timeout 5 sh -c 'redis-cli ping | grep -q PONG'");
    const tcp = healthCommand({ type: 'tcp', target: '127.0.0.1:6379', timeout: 1500 });
    expect(tcp).toMatch(/^timeout 2 bash -c '.*' tcp-check 127.0.0.1 6379$/s);
    expect(healthCommand({ type: 'http', target: "http://h:81/a'b;rm", timeout: 1000 })).toContain("'/a'\\''b;rm'");
    expect(healthCommand({ type: 'http', target: 'https://h/health', timeout: 3000 })).toBe('curl -fsS -o /dev/null --max-time 3 -- https://h/health');
  });

  it('tcp and http checks work with bash alone: pass on an answer, fail on a refusal or an error status', async () => {
    const ok = await listen(204);
    const bad = await listen(503);
    try {
      expect(await run(healthCommand({ type: 'tcp', target: `127.0.0.1:${ok.port}`, timeout: 2000 }))).toBe(0);
      expect(await run(healthCommand({ type: 'http', target: `http://127.0.0.1:${ok.port}/ok?x=1`, timeout: 2000 }))).toBe(0);
      expect(await run(healthCommand({ type: 'http', target: `http://127.0.0.1:${bad.port}/ok?x=1`, timeout: 2000 }))).not.toBe(0);
      expect(await run(healthCommand({ type: 'http', target: `http://127.0.0.1:${ok.port}/missing`, timeout: 2000 }))).not.toBe(0);
    } finally {
      ok.server.close(); bad.server.close();
    }
    const closed = await listen(200);
    closed.server.close();
    expect(await run(healthCommand({ type: 'tcp', target: `127.0.0.1:${closed.port}`, timeout: 2000 }))).not.toBe(0);
  });
});
