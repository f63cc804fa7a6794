import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../contract/agent/release-history.js';
import { pointCurrentAt } from './switch-back.js';

describe('pointCurrentAt', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'omnitron-switch-back-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const [old, bad] = ['a'.repeat(64), 'b'.repeat(64)];

  it('points current back at the release that runs again, and notes both in the history', async () => {
    for (const r of [old, bad]) mkdirSync(path.join(root, 'releases', r), { recursive: true });
    symlinkSync(`releases/${bad}`, path.join(root, 'current'));
    expect(await pointCurrentAt(path.join(root, 'current'), path.join(root, 'releases', old), new Date(1_700_000_000_000))).toBe(true);
    expect(readlinkSync(path.join(root, 'current'))).toBe(`releases/${old}`);
    expect(parseHistory(readFileSync(path.join(root, 'history'), 'utf8'))).toEqual([
      { at: 1_700_000_000_000, release: bad, event: 'failed' },
      { at: 1_700_000_000_000, release: old, event: 'rollback' },
    ]);
  });

  it('leaves a cwd that is not a symlink alone', async () => {
    expect(await pointCurrentAt(path.join(root, 'releases', old), path.join(root, 'releases', bad))).toBe(false);
  });
});
