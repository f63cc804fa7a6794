/** S3's bucket naming rules, checked where an app asks for storage (`omnitron.s3`) rather than at apply. */
import { error, type Diagnostic } from '../diagnostics.js';
import type { AppSpec } from './model.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketNames(apps: readonly AppSpec[]): Diagnostic[] {
  return apps.flatMap((app) => {
    const s3 = app.requirements.s3;
    if (!s3) return [];
    const name = s3.bucket ?? app.name.toLowerCase();
    if (BUCKET.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name)) return [];
    const given = s3.bucket !== undefined;
    return [error(`${given ? '' : `app name "${app.name}" as `}bucket name "${name}" is not a valid S3 bucket name`, {
      detail: `bucket names are 3-63 characters of lower-case letters, digits, "." and "-", starting and ending with a letter or digit${given ? '' : '; set "s3": { "bucket": "…" }'}`,
      file: app.requirements.configFile, path: given ? 'omnitron.s3.bucket' : 'omnitron.s3',
    })];
  });
}
