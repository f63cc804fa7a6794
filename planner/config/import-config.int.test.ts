/**
 * The real Node path, outside vitest's module runner: compile this module with tsc, then load
 * TypeScript fixtures with plain Node 24 (type stripping + the resolve hook mapping
 * '@omnitron-dev/omnitron' to the compiled define module).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

afterAll(() => rmSync(build, { recursive: true, force: true }));

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
      diagnostics: [
        // Every app of the fixture sets `watch`, which only the daemon's dev mode reads.
        ...Array.from({ length: 5 }, () => 'warning: watch is not used: omnitron does not watch files'),
      ],
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

  it('explains a type imported as a value, which Node cannot link', () => {
    const bad = join(build, 'type-import.config.ts');
    writeFileSync(bad, "import { defineEcosystem, IEcosystemConfig } from '@omnitron-dev/omnitron';\nconst c: IEcosystemConfig = { apps: [] };\nexport default defineEcosystem(c);\n");
    const r = runNode(`
      import { importConfig } from ${JSON.stringify(join(build, 'planner/config/import-config.js'))};
      try { await importConfig(process.argv[2]); } catch (e) { console.log(JSON.stringify(e.diagnostics)); }
    `, bad);
    expect(JSON.parse(r.stdout)).toEqual([{
      severity: 'error', file: bad, line: 1,
      summary: "cannot load the config: SyntaxError: The requested module '@omnitron-dev/omnitron' does not provide an export named 'IEcosystemConfig'",
      detail: 'if IEcosystemConfig is a type, import it with `import type { IEcosystemConfig }`',
    }]);
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
