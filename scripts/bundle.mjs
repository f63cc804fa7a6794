// Bundles what ships to nodes as single files: the node agent, and each example app's build output
// (apps/<app>/dist/{bootstrap,main}.js with its dependencies inlined), like a real app's `dist/`.
// And the CLI itself into dist/bundle/: see below.
import { build, transformSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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

// The CLI as one CommonJS file (dist/bundle/cli.cjs), which dist/cli/main.js runs with a code cache taken
// after a run (cli/bundle-loader.ts): Node resolving and linking ~360 compiled modules one by one cost more
// than a no-op plan's own work, and only a script's cache can hold the functions a run compiled. Modules
// stay lazy: esbuild runs each one's top level on its first import. Packages are bundled too, except
// those loaded only on demand (ioredis), esbuild (it runs its own binary) and those that look for native
// addons beside their own files (ssh2, pg-native). The views that draw with ink (cli/views/*.tsx) are
// ES modules apart, under dist/bundle/views/: ink waits at its top level, which CommonJS cannot.
const inkViews = readdirSync(path.join(root, 'cli/views')).filter((n) => n.endsWith('.tsx') && !n.includes('.test.'));
await build({
  ...common, format: 'cjs', entryPoints: [path.join(root, 'cli/run.ts')], outfile: path.join(root, 'dist/bundle/cli.cjs'),
  // Wrapped as cli/bundle-loader.ts runs it: a function expression taking CommonJS's five arguments.
  banner: { js: '(function (exports, require, module, __filename, __dirname) { "use strict"; var __omnitronBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: '})' }, define: { 'import.meta.url': '__omnitronBundleUrl' },
  logOverride: { 'empty-import-meta': 'error' },
  external: ['esbuild', 'ioredis', 'ssh2', 'pg-native'],
  plugins: [builtinsWithoutFacades(), inkViewsApart()],
});
await build({
  ...common, entryPoints: inkViews.map((n) => path.join(root, 'cli/views', n)), outdir: path.join(root, 'dist/bundle/views'), banner: requireShim,
  splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]', external: ['ink', 'react', 'react/*'],
  plugins: [builtinsWithoutFacades()],
});
// Packages loaded on demand, each as one file (contract/bundled-dependency.ts loads them): Node reading
// one file rather than resolving a package's hundreds was most of their load time in a no-op plan.
// dockerode leaves out its BuildKit session and progress reader (gRPC and protobuf), which omnitron
// never uses, and loads ssh2 only for an ssh:// DOCKER_HOST.
await build({
  ...common, format: 'cjs', stdin: { contents: "module.exports = require('dockerode');", resolveDir: root, loader: 'js' },
  outfile: path.join(root, 'dist/bundle/dockerode.cjs'), external: ['ssh2'],
  plugins: [
    lazyBuiltins(['https', 'zlib']),
    replaceModule('no-buildkit-session', /^\.\/session$/, `${path.sep}dockerode${path.sep}lib${path.sep}`,
      "module.exports = function () { throw new Error('omnitron does not build images with BuildKit sessions'); };"),
    replaceModule('ssh-on-demand', /^\.\/ssh$/, `${path.sep}docker-modem${path.sep}lib${path.sep}`,
      "module.exports = function (opt) { return require('./ssh.js')(opt); };"),
    replaceModule('no-buildkit-progress', /^\.\/buildkit$/, `${path.sep}dockerode${path.sep}lib${path.sep}`,
      "exports.followProgress = function () { throw new Error('omnitron does not read BuildKit progress'); };"),
  ],
});
await build({
  ...common, format: 'cjs', stdin: { contents: "module.exports = require('ioredis');", resolveDir: root, loader: 'js' },
  outfile: path.join(root, 'dist/bundle/ioredis.cjs'), plugins: [lazyBuiltins(['tls']), commandsOffClassPrototype()],
});
/**
 * Node's built-in modules as the plain objects `process.getBuiltinModule` returns. An ES import of one
 * makes Node build a module facade that reads every export, and reading node:http's WebSocket loads
 * undici: that facade alone cost a no-op plan ~45 ms. Each export is a pure read of the module's
 * property, so esbuild keeps only those imported somewhere. (As a CommonJS stand-in, each importing
 * file got its own copy of every export: ~5,000 getters.) Getters (net.BlockList, http.WebSocket,
 * fs.promises) are not exported, as a read when the chunk loads would load what they load: importing
 * one by name fails the build, and the code reads it from the default export where it is used.
 */
function builtinsWithoutFacades() {
  return {
    name: 'builtins-without-facades',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' || args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ loader: 'js', contents: builtinModuleSource(args.path) }));
    },
  };
}

function builtinModuleSource(specifier) {
  const names = Object.entries(Object.getOwnPropertyDescriptors(process.getBuiltinModule(specifier)))
    .filter(([name, descriptor]) => 'value' in descriptor && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default')
    .map(([name]) => name);
  return [
    `const m = /* @__PURE__ */ process.getBuiltinModule(${JSON.stringify(specifier)});`,
    'export default m;',
    ...names.map((name) => `export const ${name} = /* @__PURE__ */ (() => m.${name})();`),
  ].join('\n');
}

/**
 * In the CommonJS bundle, `import('./views/x.js')` of an ink view stays an import of dist/bundle/views/x.mjs.
 * Anything else reaching a view or ink fails the build: it would pull ink into a bundle that cannot hold it.
 */
function inkViewsApart() {
  return {
    name: 'ink-views-apart',
    setup(b) {
      b.onResolve({ filter: /\/views\/[\w-]+\.js$/ }, (args) => {
        const name = path.basename(args.path, '.js');
        if (!inkViews.includes(`${name}.tsx`) || path.resolve(args.resolveDir, path.dirname(args.path)) !== path.join(root, 'cli/views')) return undefined;
        if (args.kind !== 'dynamic-import') return { errors: [{ text: `${args.importer} imports the ink view ${args.path} statically; load it with import(), apart from the CLI bundle` }] };
        return { path: `./views/${name}.mjs`, external: true };
      });
      b.onResolve({ filter: /^(ink|react)(\/.*)?$/ }, (args) => ({ errors: [{ text: `${args.importer} imports ${args.path}; only the views in cli/views/*.tsx may, loaded with import()` }] }));
    },
  };
}

/**
 * Built-in modules a CommonJS package requires at load but uses only now and then, loaded on their first
 * use: node:tls (a tls: Docker host, rediss://) costs ~10 ms that a local plan never needs, node:zlib
 * (dockerode gzips build contexts) ~7 ms. Only property reads reach the module: none of these is called.
 */
function lazyBuiltins(names) {
  return {
    name: 'lazy-builtins',
    setup(b) {
      const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
      b.onResolve({ filter }, (args) => (args.kind === 'require-call' ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        loader: 'js',
        contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)}))[key] });`,
      }));
    },
  };
}

/**
 * ioredis adds its ~600 command methods to a class prototype one by one, which V8 makes ~40 times
 * slower than filling a plain object: ~25 ms of every command that reads Redis. The plain object goes
 * between Commander.prototype and Object.prototype instead, so every instance still inherits them.
 * Fails the build if a new ioredis no longer has that loop, rather than silently bundling it as is.
 */
function commandsOffClassPrototype() {
  const loop = /commands\.forEach\(function \(commandName\) \{\s*Commander\.prototype\[commandName\] = (generateFunction\([^;]*\));\s*Commander\.prototype\[commandName \+ "Buffer"\] = (generateFunction\([^;]*\));\s*\}\);/;
  return {
    name: 'commands-off-class-prototype',
    setup(b) {
      b.onLoad({ filter: /[\\/]ioredis[\\/]built[\\/]utils[\\/]Commander\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!loop.test(source)) throw new Error(`${args.path}: the command loop scripts/bundle.mjs rewrites is gone; update commandsOffClassPrototype()`);
        const contents = source.replace(loop, (_, utf8, buffer) => [
          'const generatedCommands = {};',
          'commands.forEach(function (commandName) {',
          `    generatedCommands[commandName] = ${utf8};`,
          `    generatedCommands[commandName + "Buffer"] = ${buffer};`,
          '});',
          'Object.setPrototypeOf(Commander.prototype, generatedCommands);',
        ].join('\n'));
        return { contents, loader: 'js' };
      });
    },
  };
}

/** An esbuild plugin putting `contents` in place of imports matching `filter` from files whose path contains `importerPart`. */
function replaceModule(name, filter, importerPart, contents) {
  return {
    name,
    setup(b) {
      // Resolved beside the importing file, so the stand-in's own imports reach that package's files.
      b.onResolve({ filter }, (args) => (args.importer.includes(importerPart) ? { path: name, namespace: name, pluginData: path.dirname(args.importer) } : undefined));
      b.onLoad({ filter: /.*/, namespace: name }, (args) => ({ loader: 'js', contents, resolveDir: args.pluginData ?? root }));
    },
  };
}

asciiComments(path.join(root, 'dist/bundle'));
asciiComments(path.join(root, 'dist/bundle/views'));

/**
 * esbuild escapes non-ASCII text in code but keeps comments as written (an em dash, an arrow). One such
 * character makes Node decode the whole file as UTF-8 into a two-byte string: twice the memory and the
 * decode time of the same file in ASCII. The escapes must land in comments only, where they are just
 * text: the build fails unless the file minifies (comments dropped) to the same code before and after.
 */
function asciiComments(dir) {
  const code = (source) => transformSync(source, { loader: 'js', minifyWhitespace: true, charset: 'ascii', legalComments: 'none' }).code;
  for (const name of readdirSync(dir).filter((n) => /\.[cm]js$/.test(n))) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    if (!/[^\x00-\x7f]/.test(text)) continue;
    const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (code(ascii) !== code(text)) throw new Error(`${file}: non-ASCII text outside a comment (a regex or tagged template?); escape it in the source`);
    writeFileSync(file, ascii);
  }
}

// The package's bin: `npx omnitron` in a checkout may run it directly, as npm's install would have made it.
chmodSync(path.join(root, 'dist/cli/main.js'), 0o755);

// An app with a package.json (ledger) is built without bundling: its release carries the node_modules
// installed from the workspace lockfile, which `npm run build` keeps installed for the dev stack.
const example = path.join(root, 'examples/platform');
installExampleDependencies(example);
const apps = path.join(example, 'apps');
for (const app of readdirSync(apps)) {
  const src = path.join(apps, app, 'src');
  if (!existsSync(path.join(src, 'main.js'))) continue;
  if (existsSync(path.join(apps, app, 'package.json'))) {
    await build({ entryPoints: [path.join(src, 'main.js'), path.join(src, 'bootstrap.js')], outdir: path.join(apps, app, 'dist'), platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning' });
    continue;
  }
  await build({ ...common, entryPoints: [path.join(src, 'main.js')], outfile: path.join(apps, app, 'dist/main.js'), banner: requireShim, external: ['pg-native'] });
  await build({ ...common, entryPoints: [path.join(src, 'bootstrap.js')], outfile: path.join(apps, app, 'dist/bootstrap.js'), external: ['@omnitron-dev/omnitron'] });
}

/** `npm ci` in the example's workspace when its lockfile changed since the last install (from the npm registry). */
function installExampleDependencies(dir) {
  const lock = readFileSync(path.join(dir, 'package-lock.json'));
  const stamp = path.join(dir, 'node_modules', '.omnitron-lock-sha256');
  const sha = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === sha) return;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(stamp, sha);
}
