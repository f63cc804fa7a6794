import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createStatusFile } from './status-file.js';
import type { AgentStatus } from '../../contract/agent/status.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'omnitron-status-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.useRealTimers(); });

function fixture(dir: string) {
  let version = 0;
  const snapshot = (): AgentStatus => ({
    node: 'n', project: 'p', stack: 's', updatedAt: ++version,
    agent: { pid: 1, startedAt: 0, generation: 1, failedReloads: 0, version: 't', rss: 0, state: 'running' }, apps: [],
  });
  const file = createStatusFile({ stateDir: dir, snapshot, now: () => Date.now() });
  const read = () => (JSON.parse(readFileSync(file.path, 'utf8')) as AgentStatus).updatedAt;
  return { file, read, writes: () => version };
}

describe('status file', () => {
  it('writes atomically with mode 0644 and leaves no temp file', () => {
    const dir = path.join(tmp, 'atomic');
    const { file, read } = fixture(dir);
    file.flush();
    expect(read()).toBe(1);
    expect(statSync(file.path).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it('writes at most once per second and always writes the last change', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { file, read, writes } = fixture(path.join(tmp, 'throttle'));
    file.notify();
    expect(writes()).toBe(1);
    for (let i = 0; i < 50; i++) file.notify();
    vi.advanceTimersByTime(999);
    expect(writes()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(writes()).toBe(2);
    expect(read()).toBe(2);
    vi.advanceTimersByTime(5_000);
    expect(writes()).toBe(2);
    file.notify();
    expect(writes()).toBe(3);
    file.close();
  });
});
