/** The systemd provider: users, directories, files, packages, units and services, artifacts and app releases on bare-metal nodes over SSH. */
import type { Provider } from '../../planner/resource.js';
import { appRelease } from './app-release.js';
import { aptPackage } from './apt-package.js';
import { nodeArtifact } from './node-artifact.js';
import { nodeCommand } from './node-command.js';
import { nodeEnvFile } from './node-env-file.js';
import { nodeDirectory } from './node-directory.js';
import { nodeFile } from './node-file.js';
import type { NodeResourceType } from './node-type.js';
import { nodeUser } from './node-user.js';
import { createObserve } from './observe.js';
import { systemdDaemonReload } from './systemd-daemon-reload.js';
import { systemdService } from './systemd-service.js';
import { systemdUnit } from './systemd-unit.js';
import { versionCheck } from './version-check.js';
import { serviceUser } from './service-user.js';
import { claimed } from './owner-marker.js';
import { str, type Attrs } from './node-type.js';

/**
 * The configuration files of the Debian packages behind the Postgres and Redis presets exist before
 * omnitron writes them, and are taken over; any other file (a service's configFile included) that
 * exists without omnitron's marker is someone else's.
 */
const PACKAGE_FILES = /^\/etc\/(postgresql\/[^/]+\/main\/(postgresql|pg_hba)\.conf|redis\/redis\.conf|tor\/torrc)$/;
const by = (kind: string, key: string, exclusive: (id: string) => boolean = () => true) => (attrs: Attrs) => {
  const id = str(attrs, key);
  return id === undefined ? undefined : { kind, id, exclusive: exclusive(id) };
};

export const systemdTypes: readonly NodeResourceType[] = [
  aptPackage,
  claimed(nodeUser, by('user', 'name')),
  serviceUser,
  nodeDirectory,
  claimed(nodeFile, by('file', 'path', (path) => !PACKAGE_FILES.test(path))),
  claimed(nodeEnvFile, by('file', 'path')),
  nodeCommand,
  claimed(nodeArtifact, by('file', 'path')),
  claimed(appRelease, by('release', 'root')),
  claimed(systemdUnit, by('unit', 'name')),
  systemdDaemonReload, systemdService, versionCheck,
];

export const systemdProvider: Provider = {
  name: 'systemd',
  types: systemdTypes,
  observe: createObserve(systemdTypes),
};

export { appRelease, APP_RELEASE_TYPE } from './app-release.js';
export { aptPackage, APT_PACKAGE_TYPE } from './apt-package.js';
export { nodeArtifact, NODE_ARTIFACT_TYPE } from './node-artifact.js';
export { nodeDirectory, NODE_DIRECTORY_TYPE } from './node-directory.js';
export { nodeFile, NODE_FILE_TYPE, type NodeFileAttributes } from './node-file.js';
export { nodeEnvFile, NODE_ENV_FILE_TYPE } from './node-env-file.js';
export { nodeCommand, NODE_COMMAND_TYPE } from './node-command.js';
export { nodeUser, NODE_USER_TYPE } from './node-user.js';
export { serviceUser, SERVICE_USER_TYPE } from './service-user.js';
export { SYSTEMD_SERVICE_TYPE, UNIT_EDITED } from './service-status.js';
export { systemdDaemonReload, DAEMON_RELOAD_TYPE } from './systemd-daemon-reload.js';
export { systemdService } from './systemd-service.js';
export { systemdUnit, SYSTEMD_UNIT_TYPE, unitPath } from './systemd-unit.js';
export { versionCheck, VERSION_CHECK_TYPE } from './version-check.js';
export { coerceDebianVersion, findVersion } from './versions.js';
export { PROBE_SCRIPT } from './probe-script.js';
