import { readFile } from 'node:fs/promises';

// USER_HZ: 100 on every Linux architecture Node ships for; /proc/<pid>/stat counts CPU time in these ticks.
const TICKS_PER_SECOND = 100;

export interface CpuSample { ticks: number; at: number }
export interface ProcSample { cpu: number; rss: number; sample: CpuSample }

/** utime + stime from /proc/<pid>/stat (fields 14 and 15; the command name may contain spaces and parens). */
export function parseStatTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS from /proc/<pid>/status in bytes (0 when absent, e.g. a zombie). */
export function parseRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU% of one core since `prev`, and RSS; undefined when the process is gone or /proc is not there. */
export async function sampleProcess(pid: number, prev: CpuSample, at: number): Promise<ProcSample | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    const ticks = parseStatTicks(stat);
    const seconds = (at - prev.at) / 1000;
    const cpu = seconds > 0 ? Math.max(0, ((ticks - prev.ticks) / TICKS_PER_SECOND / seconds) * 100) : 0;
    return { cpu: Math.round(cpu * 10) / 10, rss: parseRssBytes(status), sample: { ticks, at } };
  } catch {
    return undefined;
  }
}
