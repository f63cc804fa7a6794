/** The backend for a stack's state at a location (state-url.ts decides the location). */
import type { StateBackend } from './backend.js';
import { LocalBackend } from './local-backend.js';
import { PgBackend } from './pg-backend.js';
import type { StateLocation } from './state-url.js';

export interface BackendScope {
  project: string;
  stack: string;
  /** `<root>/.omnitron/<stack>`: where the file backend keeps the stack's state. */
  stackDir: string;
}

export function openBackend(location: StateLocation, scope: BackendScope): StateBackend {
  if (location.backend === 'file') return new LocalBackend({ stackDir: scope.stackDir, stack: scope.stack });
  return new PgBackend({ url: location.url, schema: location.schema, project: scope.project, stack: scope.stack });
}
