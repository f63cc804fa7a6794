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

/** OMNITRON_AGENT_BUNDLE ships another agent build (a patched agent, or an upgrade rehearsal) instead of this one's. */
export async function agentBundleArtifact(file = process.env.OMNITRON_AGENT_BUNDLE || AGENT_BUNDLE): Promise<NodeArtifacts['agent']> {
  const bundle = path.resolve(file);
  const bytes = await readFile(bundle).catch(() => {
    throw new UserError(file === AGENT_BUNDLE
      ? { severity: 'error', summary: 'the agent bundle is missing from this omnitron build', detail: 'Run `npm run build` in the omnitron checkout.' }
      : { severity: 'error', summary: `OMNITRON_AGENT_BUNDLE=${file} cannot be read`, detail: 'Point it at an agent.bundle.mjs, or unset it to use the agent of this omnitron build.' });
  });
  return { sha256: createHash('sha256').update(bytes).digest('hex'), path: bundle };
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
