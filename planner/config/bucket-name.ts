/**
 * S3's bucket naming rules, checked where a bucket name enters the config rather than at apply: an
 * app asking for storage (`omnitron.s3`, its name by default), a `minio` service's `config.buckets`,
 * and the daemon's `infrastructure.minio.buckets`. Each bad name is one error naming its field.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { AppSpec } from './model.js';
import { at, type SourceContext } from './source-context.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RULES = 'bucket names are 3-63 characters of lower-case letters, digits, "." and "-", starting and ending with a letter or digit, with no ".." and not shaped like an IP address';

export function isBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

export function checkBucketNames(apps: readonly AppSpec[]): Diagnostic[] {
  return apps.flatMap((app) => {
    const s3 = app.requirements.s3;
    if (!s3) return [];
    const name = s3.bucket ?? app.name.toLowerCase();
    if (isBucketName(name)) return [];
    const given = s3.bucket !== undefined;
    return [error(`${given ? '' : `app name "${app.name}" as `}bucket name "${name}" is not a valid S3 bucket name`, {
      detail: `${RULES}${given ? '' : '; set "s3": { "bucket": "…" }'}`,
      file: app.requirements.configFile, path: given ? 'omnitron.s3.bucket' : 'omnitron.s3',
    })];
  });
}

/**
 * A list of bucket names at `ctx` + `field` (`['config', 'buckets']`, or the daemon's `['buckets']`):
 * the valid names, and one error per entry that is not one.
 */
export function parseBucketList(raw: unknown, ctx: SourceContext, ...field: string[]): { buckets: string[]; diagnostics: Diagnostic[] } {
  if (raw === undefined) return { buckets: [], diagnostics: [] };
  if (!Array.isArray(raw)) return { buckets: [], diagnostics: [error('expected an array of bucket names', { detail: "e.g. buckets: ['uploads', 'backups']", ...at(ctx, ...field) })] };
  const buckets: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [i, name] of raw.entries()) {
    if (typeof name === 'string' && isBucketName(name)) buckets.push(name);
    else diagnostics.push(error(typeof name === 'string' ? `bucket name "${name}" is not a valid S3 bucket name` : 'expected a bucket name (a string)', { detail: RULES, ...at(ctx, ...field, i) }));
  }
  return { buckets, diagnostics };
}
