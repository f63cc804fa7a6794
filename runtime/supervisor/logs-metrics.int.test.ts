import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, EventLog, fixture, proc, tempDir } from '../../test/fixtures/apps/harness.js';
import { Supervisor } from './supervisor.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let sup: Supervisor | undefined;
beforeEach(async () => { tmp = await tempDir(); });
afterEach(async () => { await sup?.stop(); sup = undefined; await tmp.remove(); });

const firstLine = (text: string): string => text.slice(0, text.indexOf(' ', 5));

describe('process logs', () => {
  it('appends stdout and stderr to <dir>/<app>/<process>.log, rotating to .N.gz past maxSize', async () => {
    const logs = { dir: path.join(tmp.dir, 'logs'), maxSize: 4_000, maxFiles: 3, compress: true };
    const stderr = [process.execPath, '-e', "console.error('on stderr'); process.send({ type: 'ready' }); setInterval(() => {}, 1e5)"];
    sup = new Supervisor({
      apps: [app('noisy', tmp.dir, { logs, processes: [proc('main', fixture('log-spam.mjs', 190, 100), true), proc('err', stderr, true)] })],
    });
    await sup.start();
    expect(sup.logFile('noisy')).toBe(path.join(tmp.dir, 'logs', 'noisy', 'main.log'));
    expect(sup.logFile('noisy', 'err')).toBe(path.join(tmp.dir, 'logs', 'noisy', 'err.log'));
    expect(() => sup!.logFile('noisy', 'nope')).toThrow('app "noisy" has no process "nope"');
    const mainLog = sup.logFile('noisy');
    const errLog = sup.logFile('noisy', 'err');
    await sup.stop(); // flushes, then waits for compression
    sup = undefined;

    expect((await readdir(path.dirname(mainLog))).sort()).toEqual(['err.log', 'main.log', 'main.log.1.gz', 'main.log.2.gz', 'main.log.3.gz']);
    const gz = async (n: number): Promise<string> => gunzipSync(await readFile(`${mainLog}.${n}.gz`)).toString();
    for (const [n, first] of [[1, 'line 00120'], [2, 'line 00080'], [3, 'line 00040']] as const) {
      const text = await gz(n);
      expect(text.length).toBe(4_000);
      expect(firstLine(text)).toBe(first);
    }
    const current = await readFile(mainLog, 'utf8');
    expect(firstLine(current)).toBe('line 00160');
    expect(current.length).toBe(3_000);
    expect(await readFile(errLog, 'utf8')).toBe('on stderr\n');
  });
});

describe('metrics', () => {
  it('samples cpu% and rss of every live process from /proc and keeps the latest in status()', async () => {
    const events = new EventLog();
    sup = new Supervisor({
      apps: [app('web', tmp.dir, { processes: [proc('a', fixture('alive.mjs', 'a')), proc('b', fixture('alive.mjs', 'b'))] })],
      metricsInterval: 100,
      onEvent: events.push,
    });
    await sup.start();
    await events.waitFor((e) => e.type === 'metrics' && e.process === 'a', 3_000, 2);
    await events.waitFor((e) => e.type === 'metrics' && e.process === 'b', 3_000, 2);
    for (const m of events.of('metrics')) {
      expect(m.rss).toBeGreaterThan(8 * 1024 * 1024); // the fixture holds an 8 MiB buffer
      expect(m.cpu).toBeGreaterThanOrEqual(0);
    }
    const processes = sup.status()[0].processes;
    for (const p of processes) {
      expect(p.rss).toBeGreaterThan(8 * 1024 * 1024);
      expect(typeof p.cpu).toBe('number');
    }
    const rss = processes.map((p) => `${p.name} ${(p.rss! / 1048576).toFixed(1)} MiB`).join(', ');
    console.info(`[measure] child rss: ${rss}`);
  });
});
