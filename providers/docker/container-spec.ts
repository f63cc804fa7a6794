/** Builds the Docker create request for a `docker_container` from its attributes. Pure; unit-tested by output. */
import type Docker from 'dockerode';
import type { ContainerAttributes, HealthcheckAttribute } from './container-attributes.js';
import { encodePortNames, LABEL, objectLabels, type Labels } from './labels.js';
import { cpusToNano } from './units.js';
import { parseBytes } from '../../planner/config/sizes.js';

const NS_PER_MS = 1e6;

export function createOptions(attrs: ContainerAttributes, ownership: Labels): Docker.ContainerCreateOptions {
  const ports = attrs.ports.map((p) => ({ key: `${p.container}/tcp`, p }));
  const options: Docker.ContainerCreateOptions = {
    name: attrs.name,
    Image: attrs.image,
    Env: Object.entries(attrs.env).map(([k, v]) => `${k}=${v}`),
    Labels: objectLabels({ ...ownership, [LABEL.portNames]: encodePortNames(attrs.ports) }, attrs.labels),
    ExposedPorts: Object.fromEntries(ports.map(({ key }) => [key, {}])),
    HostConfig: hostConfig(attrs, ports),
  };
  if (attrs.command) options.Cmd = attrs.command;
  if (attrs.entrypoint) options.Entrypoint = attrs.entrypoint;
  if (attrs.healthcheck) options.Healthcheck = dockerHealthcheck(attrs.healthcheck);
  if (attrs.network) options.NetworkingConfig = { EndpointsConfig: { [attrs.network]: { Aliases: attrs.aliases } } };
  return options;
}

function hostConfig(attrs: ContainerAttributes, ports: Array<{ key: string; p: ContainerAttributes['ports'][number] }>): Docker.HostConfig {
  const host: Docker.HostConfig = {
    PortBindings: Object.fromEntries(ports.map(({ key, p }) => [key, [{ HostIp: p.hostIp, HostPort: String(p.host) }]])),
    Mounts: attrs.volumes.map((v) => ({ Type: v.type, Source: v.source, Target: v.target, ReadOnly: v.readonly })),
    RestartPolicy: restartPolicy(attrs.restart),
    ExtraHosts: attrs.extraHosts,
  };
  if (attrs.network) host.NetworkMode = attrs.network;
  if (attrs.memory) host.Memory = bytes(attrs.memory, 'memory');
  if (attrs.memoryReservation) host.MemoryReservation = bytes(attrs.memoryReservation, 'memoryReservation');
  if (attrs.cpus) host.NanoCpus = cpusToNano(attrs.cpus);
  if (attrs.shmSize) host.ShmSize = bytes(attrs.shmSize, 'shmSize');
  return host;
}

export function restartPolicy(restart: string): { Name: string; MaximumRetryCount?: number } {
  const [name, count] = restart.split(':');
  return count ? { Name: name, MaximumRetryCount: Number(count) } : { Name: name };
}

export function dockerHealthcheck(h: HealthcheckAttribute): Docker.HealthConfig {
  return {
    Test: h.test,
    Interval: h.interval * NS_PER_MS,
    Timeout: h.timeout * NS_PER_MS,
    Retries: h.retries,
    StartPeriod: h.startPeriod * NS_PER_MS,
  };
}

function bytes(size: string, field: string): number {
  const n = parseBytes(size);
  if (n === undefined) throw new InvalidSize(field, size);
  return n;
}

export class InvalidSize extends Error {
  constructor(readonly field: string, readonly value: string) {
    super(`${field}: "${value}" is not a size (use e.g. 512m or 1g)`);
  }
}
