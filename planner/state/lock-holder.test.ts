import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { holderIsGone, thisProcess } from './lock-holder.js';

const linux = process.platform === 'linux';

function exitedPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

describe('lock holder liveness', () => {
  it('records this process with its start time and the boot id', () => {
    const me = thisProcess();
    expect(me).toMatchObject({ host: hostname(), pid: process.pid });
    if (linux) expect(me.startTime).toMatch(/^\d+$/);
    if (linux) expect(me.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(holderIsGone(me)).toBe(false);
  });

  it('a holder whose pid exited is gone; one on another host is never judged', () => {
    const pid = exitedPid();
    expect(holderIsGone({ host: hostname(), pid })).toBe(true);
    expect(holderIsGone({ host: 'another-box', pid })).toBe(false);
  });

  it.runIf(linux)('a reused pid (another start time) is gone; so is a holder from before a reboot of this machine', () => {
    const me = thisProcess();
    expect(holderIsGone({ ...me, startTime: String(Number(me.startTime) + 1) })).toBe(true);
    if (me.machineId) expect(holderIsGone({ ...me, bootId: '00000000-0000-0000-0000-000000000000' })).toBe(true);
  });

  it('a holder on another machine or in another pid namespace under the same hostname is never judged', () => {
    const gone = { host: hostname(), pid: exitedPid() };
    expect(holderIsGone({ ...gone, machineId: 'another-machine', pidNamespace: thisProcess().pidNamespace })).toBe(!thisProcess().machineId);
    expect(holderIsGone({ ...gone, machineId: thisProcess().machineId, pidNamespace: 'pid:[1]' })).toBe(!thisProcess().pidNamespace);
  });

  it.runIf(linux)('a zombie holder is gone', async () => {
    // The background sleep exits first; its parent, exec'd into a longer sleep, never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((done) => parent.stdout.once('data', (b: Buffer) => done(b.toString()))));
      for (let i = 0; i < 50 && state(pid) !== 'Z'; i++) await sleep(50);
      expect(state(pid)).toBe('Z');
      expect(holderIsGone({ host: hostname(), pid })).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
