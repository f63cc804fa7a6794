/**
 * The `tor` preset on a bare-metal node: Debian's `tor` package, the rendered torrc as
 * /etc/tor/torrc (read by the package's tor@default unit, which runs tor as debian-tor with its data
 * in /var/lib/tor), and tor.service enabled, running and restarted when the torrc changes. Hidden
 * service keys stay in /var/lib/tor across reboots.
 */
import { digest } from '../expr.js';
import type { NodeSpec, ResolvedService } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { nodeAddress } from './addresses.js';
import type { ServiceOnNode } from './baremetal-services.js';
import { renderTorrc } from './torrc.js';
import { torConfigOf } from './tor-wiring.js';

export const TOR_NODE_DATA_DIR = '/var/lib/tor';
/** The package's multi-instance master: enabling and restarting it starts and restarts tor@default, which reads /etc/tor/torrc. */
export const TOR_NODE_UNIT = 'tor.service';

export function torOnNode(svc: ResolvedService, node: NodeSpec): ServiceOnNode {
  const n = node.name;
  const pkg = resource(nodeAddress('apt_package', n, 'tor'), 'apt_package', { node: n, name: 'tor', ...(svc.requirement.version ? { version: svc.requirement.version } : {}) });
  const torrc = resource(nodeAddress('node_file', n, `${svc.name}_torrc`), 'node_file', {
    node: n, path: '/etc/tor/torrc', owner: 'root', group: 'root', mode: '0644', content: renderTorrc(torConfigOf(svc), TOR_NODE_DATA_DIR, 'syslog'),
  }, [pkg.address]);
  const service = resource(nodeAddress('systemd_service', n, svc.name), 'systemd_service', {
    node: n, name: TOR_NODE_UNIT, enabled: true, active: true, inputs: digest(torrc.attributes),
  }, [torrc.address]);
  service.startupTimeout = Math.ceil(svc.requirement.startupTimeout / 1000);
  return { resources: [pkg, torrc, service], ready: service.address };
}

function resource(address: string, type: string, attributes: DesiredResource['attributes'], dependsOn: string[] = []): DesiredResource {
  return { address, type, attributes, dependsOn, sensitive: [] };
}
