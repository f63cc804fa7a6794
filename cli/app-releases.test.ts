import { describe, expect, it } from 'vitest';
import type { Transport } from '../planner/transport.js';
import type { StateRecord } from '../planner/resource.js';
import { appReleases, matchRelease, readNodeReleases } from './app-releases.js';
import { chooseRelease } from './commands/rollback.js';
import { renderReleases } from './commands/releases.js';

const [A, B, C] = ['a', 'b', 'c'].map((x) => x.repeat(64));

/** A node answering the releases script with this output. */
function node(stdout: string): Transport {
  return { execOrThrow: async () => ({ code: 0, stdout, stderr: '' }) } as unknown as Transport;
}

const record = (n: string, app: string): StateRecord => ({
  address: `app_release.${n}.${app}`, type: 'app_release', attributes: { node: n, app, root: `/opt/omnitron/apps/${app}` }, dependsOn: [], hash: 'h', outputs: {}, updatedAt: '', sensitive: [],
}) as unknown as StateRecord;

describe('an app\'s releases on its nodes', () => {
  it('finds the app\'s nodes in state, in node order, and names an unknown app with a suggestion', () => {
    const records = [record('a2', 'web'), record('a1', 'web'), record('a1', 'jobs')];
    expect(appReleases(records, 'web', ['a1', 'a2'], 'prod').map((r) => r.node)).toEqual(['a1', 'a2']);
    expect(() => appReleases(records, 'wbe', ['a1', 'a2'], 'prod')).toThrow('app "wbe" has no releases on the nodes of stack "prod" (did you mean "web"?)');
  });

  it('reads current, kept releases and history: newest first, the previous one, and one that failed', async () => {
    const out = [
      `current releases/${A}`, `release ${A} 100`, `release ${B} 200`, `release ${C} 300`,
      `history 1000 ${C} deployed`, `history 2000 ${A} deployed`, `history 3000 ${B} deployed`, `history 3100 ${B} failed`, `history 3100 ${A} rollback`,
    ].join('\n');
    expect(await readNodeReleases(node(out), 'a2', '/opt/omnitron/apps/web')).toEqual({
      node: 'a2', current: A,
      releases: [
        { release: A, since: 3_100_000, status: 'current' },
        { release: B, since: 3_000_000, status: 'failed' },
        { release: C, since: 1_000_000, status: 'previous' },
      ],
    });
  });

  it('rolls back to --to (a prefix of 7+ characters) or the previous release, and says what the nodes keep otherwise', () => {
    const nodes = [
      { node: 'a1', current: B, releases: [{ release: B, since: 2, status: 'current' as const }, { release: A, since: 1, status: 'previous' as const }] },
      { node: 'a2', current: A, releases: [{ release: A, since: 3, status: 'current' as const }, { release: B, since: 2, status: 'failed' as const }] },
    ];
    expect(chooseRelease('web', nodes, undefined)).toBe(A);
    expect(chooseRelease('web', nodes, 'bbbbbbb')).toBe(B);
    expect(matchRelease('bbb', [B])).toBeUndefined();
    expect(() => chooseRelease('web', nodes, 'ccccccc')).toThrow('--to ccccccc: not a release the nodes of web keep');
    expect(() => chooseRelease('web', [nodes[1]], undefined)).toThrow('no release to roll web back to');
  });

  it('renders one table per node', () => {
    const text = renderReleases('web', [{ node: 'a1', current: B, releases: [{ release: B, since: 0, status: 'current' }, { release: A, since: -3_600_000, status: 'previous' }] }], 90_000);
    expect(text).toBe([
      'web on a1:',
      '  RELEASE       MADE CURRENT    STATUS',
      '  bbbbbbbbbbbb  90 s ago        current',
      '  aaaaaaaaaaaa  62 min ago      previous',
    ].join('\n'));
  });
});
