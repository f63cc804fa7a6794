/**
 * `omnitron tor`: each hidden service of the stack's `tor` services, name → .onion address, read
 * from the hostname file tor writes beside the service's keys: in the container on a local stack,
 * over SSH on a node stack. Exit 1 when one has no address yet.
 */
import type Docker from 'dockerode';
import { UserError, error } from '../../planner/diagnostics.js';
import type { ResolvedService } from '../../planner/config/model.js';
import { TOR_DOCKER_DATA_DIR } from '../../planner/config/tor-config.js';
import { objectPrefix } from '../../planner/desired/addresses.js';
import { hiddenServiceDir } from '../../planner/desired/torrc.js';
import { torConfigOf } from '../../planner/desired/tor-wiring.js';
import { createDockerClient } from '../../providers/docker/client.js';
import { readContainerFile } from '../../providers/docker/read-container-file.js';
import type { Output } from '../output.js';
import { openSession, openStore, type Session, type StackOptions } from '../session.js';
import { createClients } from '../compose.js';
import { place } from '../../planner/config/placement.js';
import { TOR_NODE_DATA_DIR } from '../../planner/desired/tor-on-node.js';
import { renderOnionsText, type OnionAddress } from '../views/tor-text.js';

export interface TorFlags extends StackOptions {
  json?: boolean;
}

export async function torCommand(flags: TorFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out, { createKey: false });
  const { model } = session.stack;
  const services = model.services.filter((s) => s.requirement.preset === 'tor');
  if (services.length === 0) throw new UserError(error(`stack "${model.stack.name}" runs no tor service`, { detail: "declare one: services: { tor: { preset: 'tor', config: { hiddenServices: [...] } } }" }));
  const addresses = model.stack.type === 'local' ? await localOnions(session, services) : await nodeOnions(session, services);
  out.print(flags.json ? JSON.stringify({ stack: model.stack.name, hiddenServices: addresses }, null, 2) : renderOnionsText(addresses));
  return addresses.every((a) => a.onion !== null) ? 0 : 1;
}

async function localOnions(session: Session, services: ResolvedService[]): Promise<OnionAddress[]> {
  const docker = createDockerClient();
  const prefix = objectPrefix(session.stack.model.project, session.stack.model.stack.name);
  return (await Promise.all(services.map((s) => dockerOnions(docker, `${prefix}-${s.name}`, s)))).flat();
}

/** Over SSH to the node each tor service is placed on; host keys must already be pinned in state. */
async function nodeOnions(session: Session, services: ResolvedService[]): Promise<OnionAddress[]> {
  const { model } = session.stack;
  const store = await openStore(session);
  const placement = place(model);
  const clients = createClients({ nodes: model.stack.nodes, records: store.records(), trustNewHosts: false, signal: new AbortController().signal });
  try {
    return (await Promise.all(services.map(async (svc) => {
      const node = placement.services.get(svc.name);
      if (!node) throw new UserError(error(`service "${svc.name}" is placed on no node of stack "${model.stack.name}"`));
      const transport = await clients.transport(node.name);
      return Promise.all(torConfigOf(svc).hiddenServices.map(async (hs) => {
        const read = await transport.exec(['cat', '--', `${hiddenServiceDir(TOR_NODE_DATA_DIR, hs.name)}/hostname`]);
        return { service: svc.name, name: hs.name, onion: read.code === 0 ? read.stdout.trim() || null : null, virtualPort: hs.virtualPort, target: hs.target };
      }));
    }))).flat();
  } finally {
    await clients.close();
  }
}

async function dockerOnions(docker: Docker, container: string, service: ResolvedService): Promise<OnionAddress[]> {
  const running = await docker.getContainer(container).inspect().then((c) => c.State.Running, (err: { statusCode?: number }) => {
    if (err.statusCode === 404) return false;
    throw err;
  });
  if (!running) throw new UserError(error(`service "${service.name}" is not running (no running container ${container})`, { detail: 'run `omnitron apply` first' }));
  return Promise.all(torConfigOf(service).hiddenServices.map(async (hs) => {
    const hostname = await readContainerFile(docker, container, `${hiddenServiceDir(TOR_DOCKER_DATA_DIR, hs.name)}/hostname`);
    return { service: service.name, name: hs.name, onion: hostname?.trim() || null, virtualPort: hs.virtualPort, target: hs.target };
  }));
}
