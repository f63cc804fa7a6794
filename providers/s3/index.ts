import type { Provider } from '../../planner/resource.js';
import { s3Bucket } from './bucket.js';
import { observeS3 } from './observe.js';

export { s3Bucket } from './bucket.js';

export const s3Provider: Provider = {
  name: 's3',
  types: [s3Bucket],
  observe: observeS3,
};
