/**
 * The `tor` preset on a bare-metal node: Debian's `tor` package, the rendered torrc as
 * /etc/tor/torrc (read by the package's tor@default unit, which runs tor as debian-tor with its data
 * in /var/lib/tor), each hidden service's directory there (0700, debian-tor), and tor.service
 * enabled, running and restarted when the torrc changes. The keys stay there across reboots.
 */
import { digest } from '../expr.js';
import type { NodeSpec, ResolvedService } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { nodeAddress } from './addresses.js';
import type { ServiceOnNode } from './baremetal-services.js';
import { hiddenServiceDir, renderTorrc } from './torrc.js';
import { torConfigOf } from './tor-wiring.js';

export const TOR_NODE_DATA_DIR = '/var/lib/tor';
/** The package's multi-instance master: enabling and restarting it starts and restarts tor@default, which reads /etc/tor/torrc. */
export const TOR_NODE_UNIT = 'tor.service';

export function torOnNode(svc: ResolvedService, node: NodeSpec): ServiceOnNode {
  const n = node.name;
  const pkg = resource(nodeAddress('apt_package', n, 'tor'), 'apt_package', { node: n, name: 'tor', ...(svc.requirement.version ? { version: svc.requirement.version } : {}) });
  // tor checks its hidden service directories as root, which may not create them inside debian-tor's data directory;
  // 2700 as Debian keeps that directory (tor does not mind the setgid bit and keeps it).
  const dirs = torConfigOf(svc).hiddenServices.map((hs) => resource(nodeAddress('node_directory', n, `${svc.name}_${hs.name}`), 'node_directory', {
    node: n, path: hiddenServiceDir(TOR_NODE_DATA_DIR, hs.name), owner: 'debian-tor', group: 'debian-tor', mode: '2700',
  }, [pkg.address]));
  const torrc = resource(nodeAddress('node_file', n, `${svc.name}_torrc`), 'node_file', {
    node: n, path: '/etc/tor/torrc', owner: 'root', group: 'root', mode: '0644', content: renderTorrc(torConfigOf(svc), TOR_NODE_DATA_DIR, 'syslog'),
  }, [pkg.address]);
  const service = resource(nodeAddress('systemd_service', n, svc.name), 'systemd_service', {
    node: n, name: TOR_NODE_UNIT, enabled: true, active: true, inputs: digest(torrc.attributes),
  }, [torrc.address, ...dirs.map((d) => d.address)]);
  service.startupTimeout = Math.ceil(svc.requirement.startupTimeout / 1000);
  return { resources: [pkg, ...dirs, torrc, service], ready: service.address };
}

function resource(address: string, type: string, attributes: DesiredResource['attributes'], dependsOn: string[] = []): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: [] };
}
