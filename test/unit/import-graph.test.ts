/**
 * The layout the tree keeps, checked on the relative imports of every source file under cli/,
 * providers/, planner/, runtime/ and contract/ (tests, `*.test.ts(x)`, excluded):
 *
 * - contract/ is what the others share and imports none of them;
 * - planner/ and runtime/ import neither each other nor providers/ or cli/;
 * - providers/ reach into runtime/ only for runtime/leftover-apps.ts, and never import cli/;
 * - no source file imports test/ (test helpers live in test/support/, outside dist/);
 * - there are no import cycles.
 *
 * Static imports and re-exports, `import()` with a string literal, `import('…')` types, `import x =
 * require('…')` and `require('…')` all count, type-only ones too. Files are parsed (oxc, through
 * rolldown), so comments, strings and JSX text never read as imports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'rolldown/utils';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['cli', 'providers', 'planner', 'runtime', 'contract'] as const;
const posix = path.posix;

interface Specifier { spec: string; line: number; kind: string }
interface Edge extends Specifier { from: string; to: string; resolved: boolean }

/** Repo-relative POSIX paths of every non-test .ts/.tsx file under the source folders, sorted. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(path.join(REPO, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      const file = path.relative(REPO, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (!file.split('/').includes('node_modules')) files.push(file);
    }
  }
  return files.sort();
}

type AstNode = { type: string; start: number; [key: string]: unknown };

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The text of a string literal or of a template literal without substitutions; undefined otherwise. */
function literal(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const [quasi] = node.quasis as Array<{ value: { cooked: string | null } }>;
    return quasi?.value.cooked ?? undefined;
  }
  if (node.type === 'TSLiteralType') return literal(node.literal);
  return undefined;
}

/** The specifier a module-referencing node names, with what kind of reference it is. */
function reference(node: AstNode): { source: unknown; kind: string } | undefined {
  switch (node.type) {
    case 'ImportDeclaration': {
      const specifiers = node.specifiers as Array<{ importKind?: string }>;
      const typeOnly = node.importKind === 'type' || (specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type'));
      return { source: node.source, kind: typeOnly ? 'import type' : 'import' };
    }
    case 'ExportNamedDeclaration':
      return node.source ? { source: node.source, kind: node.exportKind === 'type' ? 'export type … from' : 'export … from' } : undefined;
    case 'ExportAllDeclaration':
      return { source: node.source, kind: node.exportKind === 'type' ? 'export type * from' : 'export * from' };
    case 'ImportExpression':
      return { source: node.source, kind: 'import()' };
    case 'TSImportType':
      return { source: node.source ?? node.argument, kind: "import('…') type" };
    case 'TSExternalModuleReference':
      return { source: node.expression, kind: 'import = require()' };
    case 'CallExpression': {
      const callee = node.callee as AstNode;
      const args = node.arguments as unknown[];
      return callee.type === 'Identifier' && callee.name === 'require' && args.length === 1 ? { source: args[0], kind: 'require()' } : undefined;
    }
    default:
      return undefined;
  }
}

/** Every module specifier in `text` written as a literal (relative or not), in source order. */
function specifiersOf(file: string, text: string): Specifier[] {
  const { program, errors } = parseSync(file, text, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts', sourceType: 'module' });
  if (errors.length > 0) throw new Error(`${file}: cannot parse: ${errors.map((e) => e.message).join('; ')}`);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found: Specifier[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (isNode(value)) {
      const ref = reference(value);
      const spec = ref && literal(ref.source);
      if (ref && spec !== undefined) found.push({ spec, line: lineOf(value.start), kind: ref.kind });
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(program);
  return found.sort((a, b) => a.line - b.line);
}

/** Where a relative specifier lands: the .ts/.tsx file a NodeNext `.js` specifier names, when it exists. */
function resolveRelative(from: string, spec: string, exists: (file: string) => boolean): { to: string; resolved: boolean } {
  const target = posix.normalize(posix.join(posix.dirname(from), spec));
  const stem = target.replace(/\.(?:[cm]?js|jsx)$/, '');
  const candidates = [target];
  if (/\.jsx?$/.test(target)) candidates.push(`${stem}.ts`, `${stem}.tsx`);
  if (target.endsWith('.mjs')) candidates.push(`${stem}.mts`);
  if (target.endsWith('.cjs')) candidates.push(`${stem}.cts`);
  if (!/\.[a-z]+$/i.test(target)) candidates.push(`${target}.ts`, `${target}.tsx`, `${target}/index.ts`, `${target}/index.tsx`);
  const to = candidates.find(exists);
  return to === undefined ? { to: target, resolved: false } : { to, resolved: true };
}

/** The relative imports of `files` (path → text), each resolved against the tree `exists` describes. */
function importEdges(files: Map<string, string>, exists: (file: string) => boolean): Edge[] {
  const edges: Edge[] = [];
  for (const [from, text] of files) {
    for (const s of specifiersOf(from, text)) {
      if (!s.spec.startsWith('./') && !s.spec.startsWith('../')) continue;
      edges.push({ from, ...s, ...resolveRelative(from, s.spec, exists) });
    }
  }
  return edges;
}

const top = (file: string) => file.split('/')[0];

interface LayoutRule { name: string; from: (file: string) => boolean; forbids: (target: string) => boolean }

const RULES: LayoutRule[] = [
  { name: 'planner imports nothing from providers/, runtime/, cli/', from: (f) => top(f) === 'planner', forbids: (t) => ['providers', 'runtime', 'cli'].includes(top(t)) },
  { name: 'runtime imports nothing from planner/, providers/, cli/', from: (f) => top(f) === 'runtime', forbids: (t) => ['planner', 'providers', 'cli'].includes(top(t)) },
  { name: 'contract imports nothing from cli/, providers/, planner/, runtime/', from: (f) => top(f) === 'contract', forbids: (t) => ['cli', 'providers', 'planner', 'runtime'].includes(top(t)) },
  { name: 'providers import from runtime/ only runtime/leftover-apps.ts', from: (f) => top(f) === 'providers', forbids: (t) => top(t) === 'runtime' && t !== 'runtime/leftover-apps.ts' },
  { name: 'providers never import cli/', from: (f) => top(f) === 'providers', forbids: (t) => top(t) === 'cli' },
  { name: 'no source file imports from test/', from: () => true, forbids: (t) => top(t) === 'test' },
];

const describeEdge = (e: Edge) => `${e.from}:${e.line} -> ${e.to}   (${e.kind} '${e.spec}')`;

/** Each offending import of `rule`, as `file:line -> target   (kind 'specifier')`. */
function violations(rule: LayoutRule, edges: Edge[]): string[] {
  return edges.filter((e) => rule.from(e.from) && rule.forbids(e.to)).map(describeEdge);
}

/**
 * One cycle per strongly connected set of files (Tarjan), as `a.ts -> b.ts -> a.ts`: the shortest way
 * from the set's first file (by name) back to itself. A file importing itself is a cycle of one.
 */
function cycles(edges: Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.resolved) continue;
    const out = next.get(e.from) ?? [];
    if (!out.includes(e.to)) out.push(e.to);
    next.set(e.from, out.sort());
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sets: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const set: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      set.push(w);
    } while (w !== v);
    if (set.length > 1 || (next.get(v) ?? []).includes(v)) sets.push(set.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return sets.sort((a, b) => a[0].localeCompare(b[0])).map((set) => {
    const members = new Set(set);
    const start = set[0];
    // Breadth-first from start's successors back to start, inside the set.
    const parent = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      const successors = (next.get(v) ?? []).filter((w) => members.has(w));
      if (successors.includes(start)) {
        const loop = [start];
        for (let u: string | undefined = v; u !== start && u !== undefined; u = parent.get(u)) loop.unshift(u);
        return [start, ...loop].join(' -> ') + (set.length > loop.length ? `   (${set.length} files in this cycle set)` : '');
      }
      for (const w of successors) {
        if (!parent.has(w) && w !== start) {
          parent.set(w, v);
          queue.push(w);
        }
      }
    }
    return set.join(', ');
  });
}

const report = (title: string, lines: string[]) => `${title}: ${lines.length} offending:\n  ${lines.join('\n  ')}\n`;

describe('import graph of the source tree', () => {
  const files = new Map(sourceFiles().map((f) => [f, readFileSync(path.join(REPO, f), 'utf8')]));
  const edges = importEdges(files, (f) => existsSync(path.join(REPO, f)));

  it('sees every source folder and the imports between them', () => {
    for (const dir of SOURCE_DIRS) expect([...files.keys()].some((f) => top(f) === dir), `no source files found under ${dir}/`).toBe(true);
    expect(edges.length).toBeGreaterThan(files.size);
  });

  it('resolves every relative specifier to a file (an unresolved one would escape the checks below)', () => {
    const unresolved = edges.filter((e) => !e.resolved).map(describeEdge);
    expect(unresolved, report('relative imports that name no file', unresolved)).toEqual([]);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      const bad = violations(rule, edges);
      expect(bad, report(rule.name, bad)).toEqual([]);
    });
  }

  it('has no import cycles among source files', () => {
    const found = cycles(edges);
    expect(found, report('import cycles', found)).toEqual([]);
  });
});

describe('the checks themselves, on a made-up tree', () => {
  const tree = new Map([
    ['planner/plan.ts', "import { x } from '../runtime/x.js';\nimport type { T } from '../providers/t.js';\n// import '../cli/commented.js';\nconst s = \"import '../cli/in-a-string.js'\";\n"],
    ['runtime/x.ts', "export const x = 1;\nexport type { L } from './leftover.js';\n"],
    ['runtime/leftover.ts', "export type L = typeof import('../planner/plan.js');\n"],
    ['providers/t.ts', "export type T = 1;\nexport async function f() { return import('../runtime/leftover-apps.js'); }\n"],
    ['contract/c.tsx', "const el = <Text>don't import '../cli/jsx-text.js'</Text>;\nexport const lazy = () => import(`../test/support/x.js`);\n"],
  ]);
  const edges = importEdges(tree, (f) => tree.has(f) || f === 'runtime/leftover-apps.ts' || f === 'test/support/x.ts');
  const rule = (name: string) => RULES.find((r) => r.name.startsWith(name))!;

  it('reads static, type-only, re-exported, import() and import-type specifiers, and nothing in comments, strings or JSX text', () => {
    expect(edges.map((e) => `${e.from} -> ${e.to} (${e.kind})`)).toEqual([
      'planner/plan.ts -> runtime/x.ts (import)',
      'planner/plan.ts -> providers/t.ts (import type)',
      'runtime/x.ts -> runtime/leftover.ts (export type … from)',
      "runtime/leftover.ts -> planner/plan.ts (import('…') type)",
      'providers/t.ts -> runtime/leftover-apps.ts (import())',
      'contract/c.tsx -> test/support/x.ts (import())',
    ]);
  });

  it('names each offending file -> target', () => {
    expect(violations(rule('planner'), edges)).toEqual([
      "planner/plan.ts:1 -> runtime/x.ts   (import '../runtime/x.js')",
      "planner/plan.ts:2 -> providers/t.ts   (import type '../providers/t.js')",
    ]);
    expect(violations(rule('runtime imports'), edges)).toEqual(["runtime/leftover.ts:1 -> planner/plan.ts   (import('…') type '../planner/plan.js')"]);
    expect(violations(rule('providers import from runtime'), edges)).toEqual([]);
    expect(violations(rule('no source file imports from test'), edges)).toEqual(["contract/c.tsx:2 -> test/support/x.ts   (import() '../test/support/x.js')"]);
  });

  it('reports a cycle as its path', () => {
    expect(cycles(edges)).toEqual(['planner/plan.ts -> runtime/x.ts -> runtime/leftover.ts -> planner/plan.ts']);
  });
});
