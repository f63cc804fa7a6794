import { describe, expect, it } from 'vitest';
import type { Json } from '../../planner/expr.js';
import type { ApplyOp } from '../../planner/resource.js';
import type { FileSteps } from './live-file.js';
import { systemdUnit } from './systemd-unit.js';
import { answer, fakeContext, FakeNode, observeWith, sha256hex, stateRecord } from '../../test/support/systemd/fakes.js';

const ADDRESS = 'systemd_unit.auth';
const want = { node: 'app-1', name: 'omnitron-auth.service', content: '[Service]\nExecStart=/bin/sleep infinity\n' };
const prior = stateRecord(ADDRESS, 'systemd_unit', want);

describe('systemd_unit plan', () => {
  it('reads /etc/systemd/system/<name> and is a no-op when content, root and 0644 match', () => {
    const observed = observeWith(systemdUnit, ADDRESS, want, (r) => {
      expect(r).toEqual({ kind: 'file', path: '/etc/systemd/system/omnitron-auth.service', content: true });
      return answer.file(want.content);
    });
    expect(systemdUnit.plan({ address: ADDRESS, desired: want, observed, prior, sensitive: [] })).toEqual({ action: 'noop', reason: 'matches config' });
  });

  it('an out-of-band edit is drift with the file text on both sides', () => {
    const observed = observeWith(systemdUnit, ADDRESS, want, () => answer.file('[Service]\nExecStart=/bin/false\n'));
    expect(systemdUnit.plan({ address: ADDRESS, desired: want, observed, prior, sensitive: [] })).toEqual({
      action: 'update', reason: 'changed outside omnitron', diffs: [{ path: 'content', before: '[Service]\nExecStart=/bin/false\n', after: want.content }],
    });
  });

  it('a unit chmod-ed 0600 is fixed back to 0644', () => {
    const observed = observeWith(systemdUnit, ADDRESS, want, () => answer.file(want.content, { mode: '600' }));
    expect(systemdUnit.plan({ address: ADDRESS, desired: want, observed, prior, sensitive: [] })).toMatchObject({ action: 'update', diffs: [{ path: 'mode', before: '0600', after: '0644' }] });
  });

  it('missing → create; renamed → replace', () => {
    expect(systemdUnit.plan({ address: ADDRESS, desired: want, sensitive: [] })).toEqual({ action: 'create', reason: 'not found' });
    const observed = observeWith(systemdUnit, ADDRESS, want, () => answer.file(want.content));
    expect(systemdUnit.plan({ address: ADDRESS, desired: { ...want, name: 'omnitron-auth2.service' }, observed, prior, sensitive: [] })).toMatchObject({ action: 'replace', forcedBy: ['name'] });
  });
});

describe('systemd_unit planned steps', () => {
  it('a unit whose content is on the node is only chown-ed and chmod-ed; an edited one is written again', () => {
    const chmodded = observeWith(systemdUnit, ADDRESS, want, () => answer.file(want.content, { mode: '600' }));
    const edited = observeWith(systemdUnit, ADDRESS, want, () => answer.file('[Service]\nExecStart=/bin/false\n'));
    expect(systemdUnit.planSteps('update', { address: ADDRESS, desired: want, observed: chmodded, prior, sensitive: [] })).toEqual({ upload: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(systemdUnit.planSteps('update', { address: ADDRESS, desired: want, observed: edited, prior, sensitive: [] })).toEqual({ upload: true });
    expect(systemdUnit.planSteps('replace', { address: ADDRESS, desired: want, observed: chmodded, prior, sensitive: [] })).toEqual({ upload: true });
  });
});

describe('systemd_unit apply', () => {
  it('writes root 0644 and never reloads (that is the reload resource’s job)', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const applied = await systemdUnit.apply(fakeContext({ 'app-1': node }), { action: 'create', address: ADDRESS, attributes: want as unknown as Json, steps: { upload: true } });
    expect(node.calls).toEqual([{ kind: 'put', path: '/etc/systemd/system/omnitron-auth.service', content: want.content, mode: 0o644, owner: 'root', group: 'root' }]);
    expect(applied?.outputs).toEqual({ path: '/etc/systemd/system/omnitron-auth.service', sha256: sha256hex(want.content) });
  });

  it('delete removes the file and reloads', async () => {
    const node = new FakeNode('node.app-1', () => answer.missing());
    const op: ApplyOp<FileSteps> = { action: 'delete', address: ADDRESS, prior };
    expect(await systemdUnit.apply(fakeContext({ 'app-1': node }), op)).toBeUndefined();
    expect(node.commands()).toEqual(['rm -f -- /etc/systemd/system/omnitron-auth.service', 'systemctl daemon-reload']);
  });
});
