/**
 * Everything a remote stack ships to its nodes, prepared before planning so the plan itself stays a
 * pure function: the Node runtime, the agent bundle, and one release tarball per app.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../diagnostics.js';
import type { StackModel } from '../config/model.js';
import type { Scope } from '../resource.js';
import type { NodeArtifacts } from '../build/node-apps.js';
import { appReleaseArtifact } from './app-release.js';
import { nodeRuntimeArtifact } from './node-runtime.js';

/** The bundled agent (`npm run build`), beside this module in dist/. */
export const AGENT_BUNDLE = fileURLToPath(new URL('../../runtime/agent.bundle.mjs', import.meta.url));

export async function agentBundleArtifact(): Promise<NodeArtifacts['agent']> {
  const bytes = await readFile(AGENT_BUNDLE).catch(() => {
    throw new UserError({ severity: 'error', summary: 'the agent bundle is missing from this omnitron build', detail: 'Run `npm run build` in the omnitron checkout.' });
  });
  return { sha256: createHash('sha256').update(bytes).digest('hex'), path: AGENT_BUNDLE };
}

export async function prepareNodeArtifacts(model: StackModel, scope: Scope): Promise<NodeArtifacts> {
  const outDir = path.join(scope.stackDir, 'artifacts');
  const [node, agent, releases] = await Promise.all([
    nodeRuntimeArtifact(),
    agentBundleArtifact(),
    Promise.all(model.apps.map(async (app) => [app.name, await appReleaseArtifact(app.name, app.root, outDir)] as const)),
  ]);
  return { node, agent, releases: new Map(releases) };
}
