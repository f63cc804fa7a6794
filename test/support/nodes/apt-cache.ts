/**
 * One apt-cacher-ng container shared by every fresh-node bed on this machine: started by the first
 * test run that needs it and left running, its cache in a named volume, so later runs (and CI runs
 * after the first) fetch nothing from Debian's mirror twice. Beds join it to their network and point
 * their nodes' apt at it; omnitron itself knows nothing of it (a site's apt proxy, as on real estates).
 */
import Docker from 'dockerode';

const IMAGE = 'omnitron-local/apt-cache:bookworm';
const NAME = 'omnitron-test-apt-cache';
const VOLUME = 'omnitron-test-apt-cache';
const PORT = 3142;

async function ensureRunning(docker: Docker): Promise<Docker.Container> {
  await docker.getImage(IMAGE).inspect().catch(() => {
    throw new Error(`image ${IMAGE} is missing: run bash scripts/build-images.sh apt-cache`);
  });
  const existing = docker.getContainer(NAME);
  const info = await existing.inspect().catch(() => undefined);
  if (info?.State.Running) return existing;
  if (info) {
    await existing.start().catch((err: { statusCode?: number }) => { if (err.statusCode !== 304) throw err; });
    return existing;
  }
  const created = await docker.createContainer({
    name: NAME, Image: IMAGE, Labels: { 'omnitron.test': 'apt-cache' },
    HostConfig: { Binds: [`${VOLUME}:/var/cache/apt-cacher-ng`], RestartPolicy: { Name: 'unless-stopped' } },
  }).catch(async (err: { statusCode?: number }) => {
    // Another run created it a moment ago.
    if (err.statusCode === 409) return docker.getContainer(NAME);
    throw err;
  });
  await created.start().catch((err: { statusCode?: number }) => { if (err.statusCode !== 304) throw err; });
  return created;
}

/** Joins the cache to `network` and returns the proxy URL nodes on that network use. */
export async function aptCacheOn(docker: Docker, network: string): Promise<string> {
  const cache = await ensureRunning(docker);
  await docker.getNetwork(network).connect({ Container: NAME, EndpointConfig: { Aliases: ['apt-cache'] } }).catch((err: { statusCode?: number; message?: string }) => {
    if (!(err.statusCode === 403 && /already exists/.test(err.message ?? ''))) throw err;
  });
  const info = await cache.inspect();
  const address = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!address) throw new Error(`the apt cache has no address on network ${network}`);
  return `http://${address}:${PORT}`;
}

/** Leaves `network` before the bed removes it (a network with a container attached cannot be removed). */
export async function aptCacheOff(docker: Docker, network: string): Promise<void> {
  await docker.getNetwork(network).disconnect({ Container: NAME, Force: true }).catch(() => undefined);
}
