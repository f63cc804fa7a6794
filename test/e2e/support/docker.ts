/** Docker through its CLI (argv arrays, no shell): independent of the product's own docker client. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const PROJECT_LABEL = 'dev.omnitron.project';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export interface ContainerInfo {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> | null; Env: string[] | null };
  State: { Status: string; Running: boolean; StartedAt: string; Health?: { Status: string } };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

/** Everything a container wrote (docker logs: its stdout and stderr). */
export async function containerLogs(name: string): Promise<string> {
  const { stdout, stderr } = await exec('docker', ['logs', name], { maxBuffer: 64 * 1024 * 1024 });
  return `${stdout}\n${stderr}`;
}

export async function inspectContainer(name: string): Promise<ContainerInfo> {
  return (JSON.parse(await docker('container', 'inspect', name)) as ContainerInfo[])[0];
}

export async function containerExists(name: string): Promise<boolean> {
  return (await docker('ps', '-a', '-q', '--filter', `name=^/${name}$`)) !== '';
}

/** Names of every container, volume and network carrying the project's ownership label. */
export async function labelledObjects(project: string): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
  const filter = `label=${PROJECT_LABEL}=${project}`;
  const lines = (s: string) => s.split('\n').filter(Boolean).sort();
  const [containers, volumes, networks] = await Promise.all([
    docker('ps', '-a', '--filter', filter, '--format', '{{.Names}}'),
    docker('volume', 'ls', '--filter', filter, '--format', '{{.Name}}'),
    docker('network', 'ls', '--filter', filter, '--format', '{{.Name}}'),
  ]);
  return { containers: lines(containers), volumes: lines(volumes), networks: lines(networks) };
}

/** Labels of every object the project owns: secrets must never be in them. */
export async function allProjectLabels(project: string): Promise<string> {
  const { containers, volumes, networks } = await labelledObjects(project);
  const parts: string[] = [];
  if (containers.length) parts.push(await docker('container', 'inspect', '--format', '{{json .Config.Labels}}', ...containers));
  if (volumes.length) parts.push(await docker('volume', 'inspect', '--format', '{{json .Labels}}', ...volumes));
  if (networks.length) parts.push(await docker('network', 'inspect', '--format', '{{json .Labels}}', ...networks));
  return parts.join('\n');
}

/** Force-removes everything labelled with the project; errors are collected so every kind is tried. */
export async function removeProjectObjects(project: string): Promise<void> {
  const { containers, volumes, networks } = await labelledObjects(project);
  const errors: unknown[] = [];
  const attempt = async (args: string[]) => { try { await docker(...args); } catch (e) { errors.push(e); } };
  if (containers.length) await attempt(['rm', '-f', '-v', ...containers]);
  if (networks.length) await attempt(['network', 'rm', ...networks]);
  if (volumes.length) await attempt(['volume', 'rm', '-f', ...volumes]);
  if (errors.length) throw new AggregateError(errors, `cleanup of project ${project} failed`);
}

/** Unnamed volumes (from an image's VOLUME) mounted by the project's containers: they carry no label. */
export async function anonymousVolumes(project: string): Promise<string[]> {
  const { containers } = await labelledObjects(project);
  if (containers.length === 0) return [];
  const out = await docker('container', 'inspect', '--format', '{{json .Mounts}}', ...containers);
  return out.split('\n').flatMap((line) => (JSON.parse(line) as { Type: string; Name?: string }[]))
    .filter((m) => m.Type === 'volume' && m.Name !== undefined && !m.Name.startsWith(`${project}-`))
    .map((m) => m.Name!);
}
