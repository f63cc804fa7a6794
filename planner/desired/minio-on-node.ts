/**
 * The `minio` preset on a node: the operator's `bareMetal` block installs and runs the server (MinIO
 * is in neither Debian nor npm); omnitron writes its root credentials to `/etc/default/<service>`,
 * where MinIO's own systemd unit reads them (`EnvironmentFile=`), and, unless the config gives a
 * health check, waits for the API port to answer before buckets are made.
 */
import type { HealthCheckSpec, NodeSpec, ResolvedService } from '../config/model.js';
import { customOnNode, type ServiceOnNode } from './baremetal-services.js';
import { storageCredentials } from './s3-wiring.js';

const API_ANSWERS: HealthCheckSpec = { type: 'tcp', target: 'api', interval: 1000, timeout: 3000, retries: 60, startPeriod: 0 };

export const minioEnvironmentPath = (svc: ResolvedService): string => `/etc/default/${svc.name}`;

export function minioOnNode(svc: ResolvedService, node: NodeSpec, hostFor: (s: ResolvedService) => string): ServiceOnNode | undefined {
  const { accessKey, secretKey } = storageCredentials(svc);
  const withHealth: ResolvedService = { ...svc, requirement: { ...svc.requirement, healthCheck: svc.requirement.healthCheck ?? API_ANSWERS } };
  return customOnNode(withHealth, node, hostFor, {
    path: minioEnvironmentPath(svc), variables: { MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey },
  });
}
