import { describe, expect, it } from 'vitest';
import { parseRssBytes, parseStatTicks, sampleProcess } from './proc-metrics.js';

describe('/proc parsing', () => {
  it('sums utime and stime even when the command name has spaces and parens', () => {
    const stat = '4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 1200 0 0 0 750 250 0 0 20 0 11 0 1234 1000000 5000';
    expect(parseStatTicks(stat)).toBe(1000);
  });

  it('reads VmRSS in bytes, 0 when absent', () => {
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nThreads:\t7\n')).toBe(51_200 * 1024);
    expect(parseRssBytes('Name:\tzombie\nState:\tZ (zombie)\n')).toBe(0);
  });

  it('samples this process: rss > 0, cpu% of one core agrees with process.cpuUsage over the same interval', async () => {
    const first = await sampleProcess(process.pid, { ticks: 0, at: Date.now() - 1000 }, Date.now());
    expect(first!.rss).toBeGreaterThan(10 * 1024 * 1024);
    const [wallStart, usageStart] = [first!.sample.at, process.cpuUsage()];
    const burnt = (): number => { const u = process.cpuUsage(usageStart); return u.user + u.system; };
    while (burnt() < 200_000) for (let i = 0; i < 10_000; i++) Math.sqrt(i); // burn 200 ms of CPU
    const second = await sampleProcess(process.pid, first!.sample, Date.now());
    const used = process.cpuUsage(usageStart);
    const expected = ((used.user + used.system) / 1000 / (second!.sample.at - wallStart)) * 100;
    expect(second!.cpu).toBeGreaterThan(0);
    expect(Math.abs(second!.cpu - expected)).toBeLessThan(12); // 10 ms ticks on both ends
    expect(await sampleProcess(2 ** 22 + 7, first!.sample, Date.now())).toBeUndefined();
  });
});
