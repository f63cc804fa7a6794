import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePlan } from './plan.js';
import { loadPlan, savePlan } from './plan-file.js';
import { defaultDecision } from './diff.js';
import { ref, UNKNOWN } from './expr.js';
import { loadStateKey, sealBytes } from './state/encryption.js';
import type { ResourceType } from './resource.js';
import { PLAN_FORMAT_VERSION } from './change.js';
import { OMNITRON_VERSION } from '../contract/version.js';

const thing: ResourceType = {
  type: 'thing',
  plan: (input) => defaultDecision(input),
  planSteps: (action) => ({ run: action === 'create' ? 'start' : 'none', ids: ['c0ffee'] }),
  apply: async () => undefined,
};

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'omnitron-plan-file-')); });
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('savePlan / loadPlan', () => {
  it('keeps every change as planned, planned steps and unknown values included', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    const plan = makePlan({
      project: 'p', stack: 's', stackType: 'local', mode: 'normal', prior: new Map(), observed: new Map(), unreadable: new Map(),
      desired: [{ address: 'thing.a', type: 'thing', attributes: { name: 'a', peer: ref('thing.b', 'id') }, dependsOn: [], sensitive: [] }, { address: 'thing.b', type: 'thing', attributes: { name: 'b' }, dependsOn: [], sensitive: [] }],
      types: new Map([['thing', thing]]), binding: { stateLineage: 'l', stateSerial: 3, configDigest: 'd' },
    });
    expect(plan.changes.map((c) => c.action === 'create' && c.steps)).toEqual([{ run: 'start', ids: ['c0ffee'] }, { run: 'start', ids: ['c0ffee'] }]);
    const file = join(dir, 'plan.bin');
    await savePlan(plan, file, key);
    const loaded = await loadPlan(file, key);
    expect(loaded).toEqual(plan);
    expect(loaded.changes.find((c) => c.address === 'thing.a')?.diffs.find((d) => d.path === 'peer')?.after).toBe(UNKNOWN);
  });

  it('refuses a plan saved in another format', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    const file = join(dir, 'old.bin');
    await writeFile(file, await sealBytes(new TextEncoder().encode(JSON.stringify({ formatVersion: 1, changes: [] })), key));
    await expect(loadPlan(file, key)).rejects.toMatchObject({ message: expect.stringContaining(`${file} is not a plan this version of omnitron can apply`) });
  });

  it('refuses a plan another omnitron version saved: planned steps are private to the version that made them', async () => {
    const key = await loadStateKey({ env: { OMNITRON_STATE_KEY: randomBytes(32).toString('hex') } });
    const file = join(dir, 'other.bin');
    await writeFile(file, await sealBytes(new TextEncoder().encode(JSON.stringify({ formatVersion: PLAN_FORMAT_VERSION, omnitronVersion: '0.0.1-older', changes: [] })), key));
    await expect(loadPlan(file, key)).rejects.toMatchObject({ message: expect.stringContaining(`saved plan ${file} was made by omnitron 0.0.1-older, and this is omnitron ${OMNITRON_VERSION}`) });
  });
});
