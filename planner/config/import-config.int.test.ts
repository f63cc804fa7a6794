/**
 * The real Node path, outside vitest's module runner: compile this module with tsc, then load
 * TypeScript fixtures with plain Node 24 (type stripping + the resolve hook mapping
 * '@omnitron-dev/omnitron' to the compiled define module).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const build = join(repo, 'test', 'config', `.build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
const node = join(repo, 'node_modules', '.bin', 'node');
const fixture = (rel: string) => join(repo, 'test', 'config', rel);

function runNode(script: string, ...args: string[]) {
  const file = join(build, `run-${Math.random().toString(36).slice(2, 8)}.mjs`);
  writeFileSync(file, script);
  return spawnSync(node, [file, ...args], { encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  mkdirSync(build, { recursive: true });
  writeFileSync(join(build, 'tsconfig.json'), JSON.stringify({
    extends: join(repo, 'tsconfig.json'),
    compilerOptions: { outDir: build, rootDir: repo, declaration: false, typeRoots: [join(repo, 'node_modules', '@types')] },
    files: [join(repo, 'planner/config/load-ecosystem.ts'), join(repo, 'planner/config/define.ts')],
    include: [],
  }));
  execFileSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', join(build, 'tsconfig.json')], { cwd: repo, stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  rmSync(build, { recursive: true, force: true });
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

const projects: string[] = [];

/** A throwaway project of the given files, outside the repository (so no tsconfig of ours governs it). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnitron-config-forms-'));
  projects.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** importConfig in a plain Node 24 process: the loaded value, or the diagnostics it failed with. */
function load(file: string): { value?: unknown; error?: unknown } {
  const r = runNode(`
    import { importConfig } from ${JSON.stringify(join(build, 'planner/config/import-config.js'))};
    try { console.log(JSON.stringify({ value: await importConfig(process.argv[2]) })); }
    catch (e) { console.log(JSON.stringify({ error: e.diagnostics ?? String(e.stack) })); }
  `, file);
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { value?: unknown; error?: unknown };
}

describe('importConfig with plain Node', () => {
  it('loads a .ts config importing defineEcosystem from @omnitron-dev/omnitron', () => {
    const r = runNode(`
      import { importConfig } from ${JSON.stringify(join(build, 'planner/config/import-config.js'))};
      const raw = await importConfig(process.argv[2]);
      console.log(JSON.stringify({ project: raw.project, apps: raw.apps.map((a) => a.name) }));
    `, fixture('valid/real-user/omnitron.config.ts'));
    expect(r.stderr).not.toMatch(/Error/);
    expect(JSON.parse(r.stdout)).toEqual({ project: 'omni', apps: ['main', 'storage'] });
  });

  it('loads the five-app ecosystem (importing @omnitron-dev/omnitron/config) end to end', () => {
    const r = runNode(`
      import { loadEcosystem } from ${JSON.stringify(join(build, 'planner/config/load-ecosystem.js'))};
      const { ecosystem, diagnostics } = await loadEcosystem({ file: process.argv[2] });
      console.log(JSON.stringify({ project: ecosystem?.project, apps: ecosystem?.apps.length, diagnostics: diagnostics.map((d) => d.severity + ': ' + d.summary) }));
    `, fixture('valid/five-app/omnitron.config.ts'));
    expect(JSON.parse(r.stdout)).toEqual({
      project: 'platform', apps: 5,
      diagnostics: [],
    });
  });

  it('type-checks the valid fixtures against the define module (real files need no casts)', () => {
    writeFileSync(join(build, 'tsconfig.fixtures.json'), JSON.stringify({
      extends: join(repo, 'tsconfig.json'),
      compilerOptions: {
        noEmit: true, rootDir: repo, typeRoots: [join(repo, 'node_modules', '@types')],
        paths: { '@omnitron-dev/omnitron': [join(repo, 'planner/config/define.ts')], '@omnitron-dev/omnitron/config': [join(repo, 'planner/config/define.ts')] },
      },
      files: [fixture('valid/five-app/omnitron.config.ts'), fixture('valid/real-user/omnitron.config.ts')],
      include: [],
    }));
    const r = spawnSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', join(build, 'tsconfig.fixtures.json')], { cwd: repo, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('explains a type imported as a value when tsconfig keeps such imports (verbatimModuleSyntax)', () => {
    const dir = project({
      'tsconfig.json': '{ "compilerOptions": { "verbatimModuleSyntax": true } }',
      'omnitron.config.ts': "import { defineEcosystem, IEcosystemConfig } from '@omnitron-dev/omnitron';\nconst c: IEcosystemConfig = { apps: [] };\nexport default defineEcosystem(c);\n",
    });
    expect(load(join(dir, 'omnitron.config.ts'))).toEqual({ error: [{
      severity: 'error', file: join(dir, 'omnitron.config.ts'), line: 1,
      summary: "cannot load the config: SyntaxError: The requested module '@omnitron-dev/omnitron' does not provide an export named 'IEcosystemConfig'",
      detail: 'if IEcosystemConfig is a type, import it with `import type { IEcosystemConfig }`',
    }] });
  });

  it('names file and line of a TypeScript syntax error, without a stack', () => {
    const bad = join(build, 'omnitron.config.ts');
    writeFileSync(bad, "import { defineEcosystem } from '@omnitron-dev/omnitron';\nconst n: number = 1;\nexport default defineEcosystem({\n  project: 'x' +,\n  apps: [],\n});\n");
    const r = runNode(`
      import { importConfig } from ${JSON.stringify(join(build, 'planner/config/import-config.js'))};
      try { await importConfig(process.argv[2]); } catch (e) { console.log(JSON.stringify(e.diagnostics)); }
    `, bad);
    const [d] = JSON.parse(r.stdout);
    expect(d).toMatchObject({ severity: 'error', file: bad, line: 4 });
    expect(d.summary).toMatch(/^cannot load the config: SyntaxError: /);
    expect(JSON.stringify(d)).not.toMatch(/\bat .*:\d+:\d+/);
  });
});

describe('TypeScript the daemon\'s tsx accepts', () => {
  const define = "import { defineEcosystem, IEcosystemConfig } from '@omnitron-dev/omnitron';\n";

  it('a type imported without `type`, enums, namespaces, parameter properties and decorators', () => {
    const dir = project({
      'omnitron.config.ts': `${define}
enum Tier { Small = 1, Big = 2 }
namespace Names { export const prefix = 'app-'; }
class Holder { constructor(public readonly name: string) {} }
function sealed<T>(target: T): T { return target; }
@sealed class Marker {}
const config: IEcosystemConfig = { project: Names.prefix + Tier.Big, apps: [{ name: new Holder('api').name, script: 'x.js' }] } as IEcosystemConfig;
export default defineEcosystem(config);
`,
    });
    expect(load(join(dir, 'omnitron.config.ts'))).toEqual({ value: { project: 'app-2', apps: [{ name: 'api', script: 'x.js' }] } });
  });

  it('legacy decorators when tsconfig.json (with comments and trailing commas) asks for them', () => {
    const dir = project({
      'tsconfig.json': '{\n  // as Titan projects set it\n  "compilerOptions": { "experimentalDecorators": true, },\n}\n',
      'omnitron.config.ts': `function Module(meta: { name: string }) { return (target: Function) => { (target as any).meta = meta; }; }
@Module({ name: 'legacy' }) class App {}
export default { project: (App as any).meta.name, apps: [] };
`,
    });
    expect(load(join(dir, 'omnitron.config.ts'))).toEqual({ value: { project: 'legacy', apps: [] } });
  });

  it('extensionless and index imports, `.js` written for `.ts`, tsconfig paths and JSON without import attributes', () => {
    const dir = project({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["packages/shared/src/*"] } } }',
      'lib/index.ts': "export const lib: string = 'lib';\n",
      'helpers.ts': "export const helper: string = 'helper';\n",
      'packages/shared/src/ports.ts': 'export const base: number = 3000;\n',
      'package.json': '{ "name": "platform", "version": "1.2.3" }',
      'omnitron.config.ts': `import { lib } from './lib';
import { helper } from './helpers.js';
import { base } from '@shared/ports';
import pkg, { version } from './package.json';
export default { project: [lib, helper, base, pkg.name, version].join(' '), apps: [] };
`,
    });
    expect(load(join(dir, 'omnitron.config.ts'))).toEqual({ value: { project: 'lib helper 3000 platform 1.2.3', apps: [] } });
  });

  it('CommonJS configs: .cts with export default, .ts with module.exports and require, .cjs', () => {
    const dir = project({
      'shared.ts': "export const name: string = 'shared';\n",
      'a.config.cts': `${define}const { name } = require('./shared');\nexport default defineEcosystem({ project: 'cts ' + name, apps: [] });\n`,
      'b.config.ts': "const { name } = require('./shared');\ntype P = string;\nconst p: P = 'ts ' + name;\nmodule.exports = { project: p, apps: [], dir: __dirname };\n",
      'c.config.cjs': "module.exports = { project: 'cjs', apps: [] };\n",
    });
    expect(load(join(dir, 'a.config.cts'))).toEqual({ value: { project: 'cts shared', apps: [] } });
    expect(load(join(dir, 'b.config.ts'))).toEqual({ value: { project: 'ts shared', apps: [], dir } });
    expect(load(join(dir, 'c.config.cjs'))).toEqual({ value: { project: 'cjs', apps: [] } });
  });

  it('an ES-module .mts config using __dirname as tsx allows', () => {
    const dir = project({ 'omnitron.config.mts': `${define}export default defineEcosystem({ project: __dirname, apps: [] } as IEcosystemConfig);\n` });
    expect(load(join(dir, 'omnitron.config.mts'))).toEqual({ value: { project: dir, apps: [] } });
  });

  it('names the imported file and its line when a module the config imports throws', () => {
    const dir = project({
      'shared/index.ts': "type A = number;\n\nexport const port: A = (() => { throw new Error('SHARED_PORT is not set'); })();\n",
      'omnitron.config.ts': "import { port } from './shared';\nexport default { project: String(port), apps: [] };\n",
    });
    expect(load(join(dir, 'omnitron.config.ts'))).toEqual({ error: [{
      severity: 'error', summary: 'cannot load the config: Error: SHARED_PORT is not set',
      detail: 'fix the error the config file throws while loading', file: join(dir, 'shared/index.ts'), line: 3,
    }] });
  });

  it('names the file and line of a syntax error in an imported TypeScript module', () => {
    const dir = project({
      'shared.ts': 'export const a: number = 1;\nexport const b = (;\n',
      'omnitron.config.ts': "import { a } from './shared';\nexport default { project: String(a), apps: [] };\n",
    });
    const { error } = load(join(dir, 'omnitron.config.ts')) as { error: { file: string; line: number; summary: string }[] };
    expect(error).toHaveLength(1);
    expect(error[0]).toMatchObject({ file: join(dir, 'shared.ts'), line: 2 });
    expect(error[0].summary).toMatch(/^cannot load the config: SyntaxError: /);
  });
});
