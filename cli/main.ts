#!/usr/bin/env node
// Checked before anything else loads: on an older Node the CLI's own imports would fail with a stack trace.
const { nodeMajor, REQUIRED_NODE_MAJOR } = await import('./required-node.js');
if (nodeMajor(process.version) < REQUIRED_NODE_MAJOR) {
  const { currentNodeFacts, tooOldNodeMessage } = await import('./node-version.js');
  process.stderr.write(`${tooOldNodeMessage(currentNodeFacts())}\n`);
  process.exit(1);
}
// Start-up dominates a no-op plan. Node caches the bytecode of what it loads itself (a user's config,
// the packages loaded on demand); the CLI, the bundle `npm run build` makes of ./run.js, runs with a
// cache of its own (bundle-loader.ts says why).
const [{ enableCompileCache }, { CLI_BUNDLE, codeCacheDir, commandOf, nodeCompileCacheDir, runBundle }] = await Promise.all([import('node:module'), import('./bundle-loader.js')]);
const nodeCache = nodeCompileCacheDir();
if (nodeCache !== undefined) enableCompileCache?.(nodeCache);
// Awaited, so a command that can never finish ends as Node ends any unsettled await (exit 13), not as a success.
await runBundle(CLI_BUNDLE, { cacheDir: codeCacheDir(), command: commandOf(process.argv.slice(2)) });
export {};
