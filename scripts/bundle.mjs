// Bundles what ships to nodes as single files: the node agent, and each example app's build output
// (apps/<app>/dist/{bootstrap,main}.js with its dependencies inlined), like a real app's `dist/`.
import { build } from 'esbuild';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning', legalComments: 'none' };
// Bundled CommonJS dependencies (pg) call require(); give ESM bundles one.
const requireShim = { js: "import { createRequire as __omnitronCreateRequire } from 'node:module'; const require = __omnitronCreateRequire(import.meta.url);" };

// No package.json beside the agent on a node: its version is compiled in (contract/version.ts).
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
await build({
  ...common, entryPoints: [path.join(root, 'runtime/agent/main.ts')], outfile: path.join(root, 'dist/runtime/agent.bundle.mjs'), banner: requireShim,
  define: { __OMNITRON_VERSION__: JSON.stringify(version) },
});

const apps = path.join(root, 'examples/platform/apps');
for (const app of readdirSync(apps)) {
  const src = path.join(apps, app, 'src');
  if (!existsSync(path.join(src, 'main.js'))) continue;
  await build({ ...common, entryPoints: [path.join(src, 'main.js')], outfile: path.join(apps, app, 'dist/main.js'), banner: requireShim, external: ['pg-native'] });
  await build({ ...common, entryPoints: [path.join(src, 'bootstrap.js')], outfile: path.join(apps, app, 'dist/bootstrap.js'), external: ['@omnitron-dev/omnitron'] });
}
