/**
 * Object storage: the stack's one `minio`-preset service, a private bucket per app that asks for
 * `s3` (`bucket ?? app name`), and the env those apps get, under the usual S3_* names and the
 * daemon's `<APP>_STORAGE__S3__*` ones. Every app reaches its bucket with the server's root
 * credentials: MinIO issues narrower ones only through its own admin API, not through S3.
 */
import { ref, type Expr } from '../expr.js';
import type { AppSpec, DockerServiceSpec, ResolvedService, StackModel } from '../config/model.js';
import type { DesiredResource } from '../resource.js';
import { address, addr } from './addresses.js';

export const MINIO_ROOT_PASSWORD_SECRET = 'minio_root_password';
/** An account name, not a secret; MinIO takes at most 20 characters there. */
export const MINIO_ROOT_USER = 'omnitron';
export const S3_REGION = 'us-east-1';
export const S3_BUCKET_TYPE = 's3_bucket';

export const bucketAddress = (bucket: string) => address(S3_BUCKET_TYPE, bucket);

export function storageService(model: StackModel): ResolvedService | undefined {
  return model.services.find((s) => s.requirement.preset === 'minio');
}

export function bucketOf(app: AppSpec): string | undefined {
  const s3 = app.requirements.s3;
  return s3 ? s3.bucket ?? app.name.toLowerCase() : undefined;
}

/** `secrets.accessKey` / `secrets.secretKey` (literal or generated) when given, as the daemon's preset reads them. */
export function storageCredentials(svc: ResolvedService): { accessKey: Expr; secretKey: Expr } {
  const pick = (name: string, fallback: Expr): Expr => {
    const external = svc.external?.secrets[name];
    if (external !== undefined) return external;
    const spec = svc.requirement.secrets[name];
    if (!spec) return fallback;
    return spec.kind === 'literal' ? spec.value : ref(addr.secret(spec.key), 'result');
  };
  return { accessKey: pick('accessKey', MINIO_ROOT_USER), secretKey: pick('secretKey', ref(addr.secret(MINIO_ROOT_PASSWORD_SECRET), 'result')) };
}

/** Generated secrets the preset needs of its own: none when the config names the secret key. */
export function storageSecretNames(svc: ResolvedService): string[] {
  return svc.requirement.secrets.secretKey || svc.external?.secrets.secretKey !== undefined ? [] : [MINIO_ROOT_PASSWORD_SECRET];
}

export function minioDockerWiring(svc: ResolvedService, docker: DockerServiceSpec): { env: Record<string, Expr>; healthcheck: Expr } {
  const { accessKey, secretKey } = storageCredentials(svc);
  return {
    env: { MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey },
    healthcheck: docker.healthCheck ?? { test: ['CMD', 'mc', 'ready', 'local'], interval: 1000, timeout: 5000, retries: 60, startPeriod: 0 },
  };
}

export function storageEndpoint(svc: ResolvedService, host: string): string {
  return `http://${svc.external?.host ?? host}:${svc.endpointPorts.api}`;
}

/**
 * How omnitron reaches the server to manage buckets: `admin.host` is where the API listens as seen
 * from here, or from node `admin.via` when the server runs on a node (reached through an SSH tunnel).
 * An external server is dialled directly.
 */
export function storageConnection(svc: ResolvedService, admin: { host: string; via?: string }): Expr {
  const { accessKey, secretKey } = storageCredentials(svc);
  return { endpoint: storageEndpoint(svc, admin.host), region: S3_REGION, accessKey, secretKey, ...(admin.via && !svc.external ? { via: admin.via } : {}) };
}

export function s3BucketResources(model: StackModel, admin: { host: string; via?: string }, ready: string[]): DesiredResource[] {
  const svc = storageService(model);
  if (!svc) return [];
  const buckets = [...new Set([...model.apps.flatMap((a) => bucketOf(a) ?? []), ...configuredBuckets(svc)])];
  return buckets.map((name) => ({
    address: bucketAddress(name), type: S3_BUCKET_TYPE, attributes: { name }, connection: storageConnection(svc, admin), dependsOn: ready, sensitive: [],
  }));
}

/** `config.buckets` (the daemon's `infrastructure.minio.buckets`): buckets no app asked for, made all the same (private). */
function configuredBuckets(svc: ResolvedService): string[] {
  const buckets = svc.requirement.presetConfig?.buckets;
  return Array.isArray(buckets) ? buckets.filter((b): b is string => typeof b === 'string') : [];
}

type Setter = (key: string, value: Expr, secret: boolean) => void;

export function s3Env(model: StackModel, app: AppSpec, host: string, set: Setter, deps: string[]): void {
  const svc = storageService(model);
  const bucket = bucketOf(app);
  if (!svc || !bucket) return;
  const { accessKey, secretKey } = storageCredentials(svc);
  const endpoint = storageEndpoint(svc, host);
  const prefix = `${app.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_STORAGE__`;
  for (const [key, value, secret] of [
    ['S3_ENDPOINT', endpoint, false], ['S3_BUCKET', bucket, false], ['S3_REGION', S3_REGION, false], ['S3_FORCE_PATH_STYLE', 'true', false],
    ['S3_ACCESS_KEY', accessKey, false], ['S3_SECRET_KEY', secretKey, true],
    [`${prefix}BACKEND`, 's3', false], [`${prefix}S3__ENDPOINT`, endpoint, false], [`${prefix}S3__BUCKET`, bucket, false],
    [`${prefix}S3__ACCESS_KEY_ID`, accessKey, false], [`${prefix}S3__SECRET_ACCESS_KEY`, secretKey, true], [`${prefix}S3__FORCE_PATH_STYLE`, 'true', false],
  ] as Array<[string, Expr, boolean]>) set(key, value, secret);
  deps.push(bucketAddress(bucket));
}
