/**
 * Everything a remote stack ships to its nodes, prepared before planning so the plan itself stays a
 * pure function: the Node runtime, the launcher, and one release tarball per app.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../diagnostics.js';
import type { StackModel } from '../config/model.js';
import type { Scope } from '../resource.js';
import type { NodeArtifacts } from '../build/node-apps.js';
import { appReleaseArtifact } from './app-release.js';
import { nodeRuntimeArtifact } from './node-runtime.js';

const LAUNCHER = new URL('../../runtime/launch.bundle.mjs', import.meta.url);

export async function prepareNodeArtifacts(model: StackModel, scope: Scope): Promise<NodeArtifacts> {
  const outDir = path.join(scope.stackDir, 'artifacts');
  const [node, launcher, releases] = await Promise.all([
    nodeRuntimeArtifact(),
    readFile(LAUNCHER, 'utf8').catch(() => {
      throw new UserError({ severity: 'error', summary: 'the app launcher bundle is missing from this omnitron build', detail: 'Run `npm run build` in the omnitron checkout.' });
    }),
    Promise.all(model.apps.map(async (app) => [app.name, await appReleaseArtifact(app.name, app.root, outDir)] as const)),
  ]);
  return { node, launcher, releases: new Map(releases) };
}
