// The media service: answers /health after checking its own database, Redis and bucket with the
// injected env, and keeps uploads in its bucket (src/uploads.js).
import { startHealthServer } from '../../../packages/health-server/index.js';
import { checkBucket, uploads } from './uploads.js';

await startHealthServer({ name: 'media', prefixes: { '/uploads/': uploads }, checks: { S3_BUCKET: checkBucket } });
