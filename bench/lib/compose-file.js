/**
 * A docker-compose file equivalent to containers omnitron created, read back from `docker inspect`:
 * same images, env, command, ports (on other host ports), volumes, health checks, limits, restart
 * policy and user labels. Written as JSON, which YAML parsers read as is; every `$` is doubled so
 * compose does not interpolate values such as `"$PUBSUB_PASSWORD"` in a command.
 */
const NS_PER_MS = 1e6;

function escapeDollars(value) {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}

function duration(ns) {
  return `${Math.round(ns / NS_PER_MS)}ms`;
}

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function serviceName(container) {
  const address = container.Config.Labels?.['dev.omnitron.address'] ?? container.Name;
  return address.slice(address.indexOf('.') + 1).toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

function environment(container, image) {
  const inherited = new Set(image.Config?.Env ?? []);
  return (container.Config.Env ?? []).filter((e) => !inherited.has(e));
}

function healthcheck(check) {
  if (!check?.Test || check.Test[0] === 'NONE') return undefined;
  const out = { test: check.Test };
  if (check.Interval) out.interval = duration(check.Interval);
  if (check.Timeout) out.timeout = duration(check.Timeout);
  if (check.Retries) out.retries = check.Retries;
  if (check.StartPeriod) out.start_period = duration(check.StartPeriod);
  return out;
}

function ports(container, nextPort) {
  const out = [];
  for (const [containerPort, bindings] of Object.entries(container.HostConfig.PortBindings ?? {})) {
    for (const b of bindings ?? []) out.push(`${b.HostIp || '127.0.0.1'}:${nextPort()}:${containerPort}`);
  }
  return out;
}

/** An image's VOLUME left unnamed: compose makes the same anonymous volume by itself. */
function anonymousFromImage(mount, image) {
  return mount.Type === 'volume' && /^[0-9a-f]{64}$/.test(mount.Name ?? '') && mount.Destination in (image.Config?.Volumes ?? {});
}

function volumes(container, image, named) {
  return (container.Mounts ?? []).filter((m) => !anonymousFromImage(m, image)).map((m) => {
    const ro = m.RW === false ? ':ro' : '';
    if (m.Type === 'bind') return `${m.Source}:${m.Destination}${ro}`;
    const key = `v${named.size}`;
    named.set(key, {});
    return `${key}:${m.Destination}${ro}`;
  });
}

function labels(container, image) {
  const own = {};
  for (const [k, v] of Object.entries(container.Config.Labels ?? {})) {
    if (!k.startsWith('dev.omnitron.') && image.Config?.Labels?.[k] !== v) own[k] = v;
  }
  return own;
}

function restart(policy) {
  if (!policy?.Name) return 'no';
  return policy.Name === 'on-failure' && policy.MaximumRetryCount ? `on-failure:${policy.MaximumRetryCount}` : policy.Name;
}

function service(container, image, nextPort, named) {
  const s = { image: container.Config.Image, environment: environment(container, image), restart: restart(container.HostConfig.RestartPolicy) };
  if (!same(container.Config.Entrypoint, image.Config?.Entrypoint)) s.entrypoint = container.Config.Entrypoint;
  if (!same(container.Config.Cmd, image.Config?.Cmd)) s.command = container.Config.Cmd;
  const published = ports(container, nextPort);
  if (published.length) s.ports = published;
  const mounts = volumes(container, image, named);
  if (mounts.length) s.volumes = mounts;
  const check = healthcheck(container.Config.Healthcheck);
  if (check) s.healthcheck = check;
  if (container.HostConfig.Memory) s.mem_limit = container.HostConfig.Memory;
  if (container.HostConfig.MemoryReservation) s.mem_reservation = container.HostConfig.MemoryReservation;
  if (container.HostConfig.ExtraHosts?.length) s.extra_hosts = container.HostConfig.ExtraHosts;
  if (container.HostConfig.ShmSize) s.shm_size = container.HostConfig.ShmSize;
  if (container.HostConfig.NanoCpus) s.cpus = container.HostConfig.NanoCpus / 1e9;
  const own = labels(container, image);
  if (Object.keys(own).length) s.labels = own;
  return s;
}

/** `containers`: inspect results; `images`: image inspect by image name; `hostPorts`: free ports to publish on. */
export function composeFromInspect(containers, images, hostPorts) {
  const free = [...hostPorts];
  const nextPort = () => {
    if (free.length === 0) throw new Error('not enough free host ports for the compose file');
    return free.shift();
  };
  const named = new Map();
  const services = {};
  for (const c of [...containers].sort((a, b) => serviceName(a).localeCompare(serviceName(b)))) {
    services[serviceName(c)] = service(c, images.get(c.Config.Image) ?? {}, nextPort, named);
  }
  return escapeDollars({ version: '2.4', services, volumes: Object.fromEntries(named) });
}

/** How many host ports the compose file needs. */
export function publishedPortCount(containers) {
  return containers.reduce((n, c) => n + Object.values(c.HostConfig.PortBindings ?? {}).reduce((m, b) => m + (b?.length ?? 0), 0), 0);
}
