import { describe, expect, it } from 'vitest';
import { DiscoveryAnnouncer, type AnnounceSession, type OpenSession } from './discovery-announcer.js';
import type { Identity } from './discovery-session.js';
import type { ManifestDiscovery } from '../../contract/agent/manifest.js';
import type { AppState, AppStatus } from '../../contract/agent/status.js';

const settings: ManifestDiscovery = {
  redisUrlEnv: 'DISCOVERY_REDIS_URL', nodeId: 'node-1', address: '10.0.0.5:3000', redisPrefix: 'titan:discovery',
  heartbeatInterval: 5_000, heartbeatTTL: 15_000, pubSubEnabled: true, pubSubChannel: 'titan:discovery:events', apps: ['auth', 'media'],
};

class FakeSession implements AnnounceSession {
  readonly announced: Identity[] = [];
  closed = false;
  constructor(readonly settings: ManifestDiscovery) {}
  announce(identity: Identity): void { this.announced.push(identity); }
  async close(): Promise<void> { this.closed = true; }
}

function harness(opts: { refusals?: number } = {}) {
  let refusals = opts.refusals ?? 0;
  const apps = new Map<string, AppState>();
  const sessions: FakeSession[] = [];
  const logs: string[] = [];
  const open: OpenSession = (s) => {
    if (refusals-- > 0) return undefined;
    const session = new FakeSession(s);
    sessions.push(session);
    return session;
  };
  const status = (): AppStatus[] => [...apps].map(([name, state]) => ({ name, state, restarts: 0, health: 'unknown', processes: [] }));
  const announcer = new DiscoveryAnnouncer({ log: (e) => logs.push(e.msg), apps: status, open });
  const changed = async () => { announcer.appsChanged(); await new Promise((r) => setImmediate(r)); };
  return { apps, sessions, logs, announcer, changed };
}

const names = (id: Identity | undefined) => id?.services.map((s) => (s.version ? `${s.name}@${s.version}` : s.name));

describe('DiscoveryAnnouncer', () => {
  it('registers the listed running apps with their versions, and follows app state without repeating itself', async () => {
    const h = harness();
    h.apps.set('auth', 'running').set('media', 'starting').set('other', 'running');
    await h.announcer.configure(settings, { auth: '1.2.0' });
    const [session] = h.sessions;
    expect(session!.announced).toEqual([{ nodeId: 'node-1', address: '10.0.0.5:3000', services: [{ name: 'auth', version: '1.2.0' }] }]);

    h.apps.set('media', 'running');
    await h.changed();
    await h.changed(); // nothing changed: nothing sent
    expect(session!.announced.map(names)).toEqual([['auth@1.2.0'], ['auth@1.2.0', 'media']]);
    h.apps.set('auth', 'backoff');
    await h.changed();
    expect(names(session!.announced.at(-1))).toEqual(['media']);
    expect(h.sessions).toHaveLength(1);
  });

  it('changes nodeId, address, apps and versions in place on reload, but opens a new client for new connection settings', async () => {
    const h = harness();
    h.apps.set('auth', 'running').set('media', 'running');
    await h.announcer.configure(settings, {});
    await h.announcer.configure({ ...settings, nodeId: 'node-2', address: '10.0.0.6:3000', apps: ['media'] }, { media: '3.0.0' });
    expect(h.sessions).toHaveLength(1);
    expect(h.sessions[0]!.announced.at(-1)).toEqual({ nodeId: 'node-2', address: '10.0.0.6:3000', services: [{ name: 'media', version: '3.0.0' }] });

    await h.announcer.configure({ ...settings, heartbeatInterval: 1_000, heartbeatTTL: 3_000 }, {});
    expect(h.sessions[0]!.closed).toBe(true);
    expect(h.sessions).toHaveLength(2);
    expect(h.sessions[1]!.settings.heartbeatInterval).toBe(1_000);
    expect(names(h.sessions[1]!.announced[0])).toEqual(['auth', 'media']);
  });

  it('deregisters when discovery leaves the manifest, and on close, after which nothing reopens it', async () => {
    const h = harness();
    await h.announcer.configure(settings, {});
    await h.announcer.configure(undefined, {});
    expect(h.sessions[0]!.closed).toBe(true);
    await h.announcer.configure(settings, {});
    expect(h.sessions).toHaveLength(2);
    await h.announcer.close();
    expect(h.sessions[1]!.closed).toBe(true);
    await h.announcer.configure(settings, {});
    h.apps.set('auth', 'running');
    await h.changed();
    expect(h.sessions).toHaveLength(2);
    expect(h.sessions[1]!.announced).toHaveLength(1);
  });

  it('tries again at the next reload when the session could not open (the URL variable was missing)', async () => {
    const h = harness({ refusals: 1 });
    h.apps.set('auth', 'running');
    await h.announcer.configure(settings, {});
    await h.changed();
    expect(h.sessions).toEqual([]);
    await h.announcer.configure(settings, {});
    expect(h.sessions).toHaveLength(1);
    expect(names(h.sessions[0]!.announced[0])).toEqual(['auth']);
    await h.announcer.configure(settings, {});
    expect(h.sessions).toHaveLength(1); // an open session with unchanged settings is kept
  });
});
