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

// The CLI as a handful of files (dist/bundle/cli.mjs and its chunks), loaded by dist/cli/main.js: Node
// resolving and linking ~360 compiled modules one by one cost more than a no-op plan's own work.
// Commands and views stay lazy (one chunk per dynamic import). Packages are bundled too, except those
// loaded only on demand (ioredis, ink and react), esbuild (it runs its own binary) and those that look
// for native addons beside their own files (ssh2, pg-native).
await build({
  ...common, entryPoints: { cli: path.join(root, 'cli/run.ts') }, outdir: path.join(root, 'dist/bundle'), banner: requireShim,
  splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]',
  external: ['esbuild', 'ioredis', 'ink', 'react', 'react/*', 'ssh2', 'pg-native'],
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
    lazyBuiltins(['https']),
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
 * Built-in modules a CommonJS package requires at load but uses only for TLS connections (a tls: Docker
 * host, rediss://), loaded on their first use: node:tls costs ~10 ms that a local plan never needs.
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
