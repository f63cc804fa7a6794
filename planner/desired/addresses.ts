/** Stable resource addresses: `<type>.<name>`. Names keep the config's spelling; only `.` is replaced. */
export function address(type: string, name: string): string {
  return `${type}.${name.replaceAll('.', '_')}`;
}

export const addr = {
  network: () => address('docker_network', 'default'),
  image: (service: string) => address('docker_image', service),
  volume: (service: string, key: string) => address('docker_volume', `${service}_${key}`),
  container: (service: string) => address('docker_container', service),
  secret: (name: string) => address('random_password', name),
  role: (app: string) => address('postgres_role', app),
  database: (app: string) => address('postgres_database', app),
  redisDb: (app: string, purpose: 'app' | 'discovery' | 'notifications') =>
    address('redis_database', purpose === 'app' ? app : `${app}_${purpose}`),
  envFile: (app: string) => address('env_file', app),
};

/** Docker object names: `<project>-<stack>-<service>`, as real Omnitron names them. */
export function objectPrefix(project: string, stack: string): string {
  return `${project}-${stack}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
}

/** Addresses of resources that live on a node: `<type>.<node>.<name>`. */
export function nodeAddress(type: string, node: string, name: string): string {
  return `${type}.${node.replaceAll('.', '_')}.${name.replaceAll('.', '_')}`;
}

/** The local stack's agent, which runs the apps on this machine (planner/desired/local-agent.ts). */
export const LOCAL_AGENT_ADDRESS = address('local_agent', 'apps');

/** The presets' own generated secrets, by key. */
export const POSTGRES_SUPERUSER = 'postgres';
export const POSTGRES_SUPERUSER_SECRET = 'postgres_superuser';
export const REDIS_SECRET = 'redis_password';
