// The realtime service: answers /health after checking its own database and Redis with the injected env.
import { startHealthServer } from '../../../packages/health-server/index.js';

await startHealthServer({ name: 'realtime' });
