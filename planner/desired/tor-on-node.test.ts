import { describe, expect, it } from 'vitest';
import { presetRequirement } from '../config/presets.js';
import type { NodeSpec, ResolvedService } from '../config/model.js';
import { torOnNode } from './tor-on-node.js';

const node = { name: 'app' } as NodeSpec;
const svc: ResolvedService = {
  name: 'tor', declaredBy: [], endpointPorts: {},
  requirement: { ...presetRequirement('tor'), presetConfig: { hiddenServices: [{ name: 'admin', virtualPort: 80, target: '127.0.0.1:8080' }], extraTorrc: [] } },
};

describe('torOnNode', () => {
  it('installs Debian\'s tor, writes /etc/tor/torrc and runs tor.service (tor@default), restarted when the torrc changes', () => {
    const { resources, ready } = torOnNode(svc, node);
    expect(resources.map((r) => [r.address, r.type, r.dependsOn])).toEqual([
      ['apt_package.app.tor', 'apt_package', []],
      ['node_directory.app.tor_admin', 'node_directory', ['apt_package.app.tor']],
      ['node_file.app.tor_torrc', 'node_file', ['apt_package.app.tor']],
      ['systemd_service.app.tor', 'systemd_service', ['node_file.app.tor_torrc', 'node_directory.app.tor_admin']],
    ]);
    expect(resources[1].attributes).toEqual({ node: 'app', path: '/var/lib/tor/hs-admin', owner: 'debian-tor', group: 'debian-tor', mode: '2700' });
    const torrc = resources[2].attributes as { path: string; content: string };
    expect(torrc.path).toBe('/etc/tor/torrc');
    expect(torrc.content).toContain('HiddenServiceDir /var/lib/tor/hs-admin\nHiddenServiceVersion 3\nHiddenServicePort 80 127.0.0.1:8080\n');
    expect(torrc.content).toContain('SocksPort 0\n');
    expect(torrc.content).toContain('Log notice syslog\n');
    expect(resources[3].attributes).toMatchObject({ name: 'tor.service', enabled: true, active: true, inputs: { $digest: resources[2].attributes } });
    expect(ready).toBe('systemd_service.app.tor');
  });
});
