#!/usr/bin/env node
// Checked before anything else loads: on an older Node the CLI's own imports would fail with a stack trace.
const { currentNodeFacts, nodeMajor, REQUIRED_NODE_MAJOR, tooOldNodeMessage } = await import('./node-version.js');
if (nodeMajor(process.version) < REQUIRED_NODE_MAJOR) {
  process.stderr.write(`${tooOldNodeMessage(currentNodeFacts())}\n`);
  process.exit(1);
}
// Cache compiled bytecode across runs (start-up dominates a no-op plan), then load the CLI: the
// bundle `npm run build` makes of ./run.js (scripts/bundle.mjs).
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const bundledCli = '../bundle/cli.mjs';
await import(bundledCli);
export {};
