/**
 * Runs a schema pair over raw input and turns zod issues into diagnostics that read like
 * `apps[0].dependOn: unknown key (did you mean "dependsOn"?)`. Unknown keys are warnings (errors in
 * strict mode); everything else is an error. Union failures are narrowed to the branch the input was
 * evidently aiming at, so an object with a bad field does not report "expected true".
 */
import type * as z from 'zod';
import { error, hasErrors, warning, type Diagnostic } from '../diagnostics.js';
import { listOf, quotedList, suggestion } from './did-you-mean.js';
import { describeValue, formatPath, valueAt, type PathSegment } from '../../contract/field-path.js';
import type { SchemaName, SchemaPair } from './schema.js';

export interface ShapeContext {
  /** File the input came from (diagnostics name it). */
  file?: string;
  /** Path of the input inside that file, e.g. `['omnitron']`. */
  prefix: PathSegment[];
  strict: boolean;
}

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

export function checkShape<K extends SchemaName>(pair: SchemaPair<K>, input: unknown, ctx: ShapeContext): { data?: z.output<SchemaPair<K>['loose']>; diagnostics: Diagnostic[] } {
  const checked = pair.strict.safeParse(input);
  if (checked.success) return { data: checked.data as z.output<SchemaPair<K>['loose']>, diagnostics: [] };
  const diagnostics = flatten(checked.error.issues, [], input).flatMap((i) => toDiagnostics(i, input, pair.strict, ctx));
  if (hasErrors(diagnostics)) return { diagnostics };
  const loose = pair.loose.safeParse(input);
  if (!loose.success) throw new Error('internal: loose schema rejected input the strict one only warned about');
  return { data: loose.data as z.output<SchemaPair<K>['loose']>, diagnostics };
}

/** Union issues replaced by the issues of the branch matching the input's kind; paths made absolute. */
function flatten(issues: readonly Issue[], base: Key[], input: unknown): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code !== 'invalid_union') return [{ ...issue, path }];
    const branch = issue.errors.find((errs) => !errs.some(rejectsKind));
    return branch ? flatten(branch, path, input) : [{ ...issue, path }];
  });
}

function rejectsKind(issue: Issue): boolean {
  return issue.path.length === 0 && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code);
}

function toDiagnostics(issue: Issue, input: unknown, schema: z.ZodType, ctx: ShapeContext): Diagnostic[] {
  const at = (path: Key[]) => ({ file: ctx.file, path: formatPath([...ctx.prefix, ...(path as PathSegment[])]) || undefined });
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => unknownKey(key, known, [...ctx.prefix, ...(issue.path as PathSegment[])], ctx, at([...issue.path, key])));
  }
  const value = valueAt(input, issue.path);
  const { summary, detail } = describeIssue(issue, value);
  const fix = Number.isNaN(value) ? [detail, NAN_HINT].filter(Boolean).join('\n') : detail;
  return [error(summary, { ...(fix ? { detail: fix } : {}), ...at(issue.path) })];
}

const NAN_HINT = 'NaN usually comes from Number() of an environment variable that is not set; give it a default, e.g. Number(process.env.PORT ?? 3000)';

function unknownKey(key: string, known: string[], parent: PathSegment[], ctx: ShapeContext, where: Pick<Diagnostic, 'file' | 'path'>): Diagnostic {
  const hint = KEY_HINTS[`${formatPath(parent.slice(-1))}.${key}`] ?? KEY_HINTS[key];
  const fix = ctx.strict ? 'strict mode rejects unknown keys; remove it or fix its spelling' : 'omnitron ignores it; remove it or fix its spelling';
  const summary = `unknown key${suggestion(key, known)}`;
  const extra = { detail: hint ? `${hint}\n${fix}` : fix, ...where };
  return ctx.strict ? error(summary, extra) : warning(summary, extra);
}

const KEY_HINTS: Record<string, string> = {
  gateway: 'declare the gateway as infrastructure.services.gateway: { preset: "openresty", ... }',
};

function describeIssue(issue: Issue, value: unknown): { summary: string; detail?: string } {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return { summary: `missing required field (expected ${typeName(issue.expected)})` };
      return { summary: `expected ${typeName(issue.expected)}, got ${describeValue(value)}` };
    case 'invalid_value': {
      const hint = typeof value === 'string' ? suggestion(value, issue.values.map(String)) : '';
      return { summary: `expected ${quotedList(issue.values.map(String), 'or')}, got ${describeValue(value)}${hint}` };
    }
    case 'invalid_union':
      return { summary: `expected ${listOf(issue.errors.map(expectedOf), 'or')}, got ${describeValue(value)}` };
    case 'too_small':
      return { summary: tooSmall(issue, value) };
    case 'too_big':
      return { summary: `must be at most ${issue.maximum}, got ${describeValue(value)}` };
    case 'custom':
      return { summary: issue.message, detail: (issue.params as { detail?: string } | undefined)?.detail };
    default:
      return { summary: issue.message.charAt(0).toLowerCase() + issue.message.slice(1) };
  }
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>, value: unknown): string {
  if (issue.origin === 'string') return 'must not be empty';
  if (issue.origin === 'array') return `must have at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
  return issue.inclusive ? `must be at least ${issue.minimum}, got ${describeValue(value)}` : `must be greater than ${issue.minimum}, got ${describeValue(value)}`;
}

function expectedOf(branch: Issue[]): string {
  const root = branch.find((i) => i.path.length === 0);
  if (root?.code === 'invalid_type') return typeName(root.expected);
  if (root?.code === 'invalid_value') return root.values.map((v) => JSON.stringify(v)).join(' or ');
  return 'something else';
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string', number: 'a number', int: 'an integer', boolean: 'a boolean', array: 'an array',
    object: 'an object', record: 'an object', map: 'an object',
  };
  return names[expected] ?? expected;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (s: z.ZodType) => s.def as unknown as SchemaDef;

/** Keys the object schema(s) at `path` know, for "did you mean". */
export function knownKeysAt(schema: z.ZodType, path: readonly Key[]): string[] {
  let current = expand(schema);
  for (const seg of path) current = current.flatMap((s) => expand(childOf(s, seg)));
  return [...new Set(current.flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

function expand(schema: z.ZodType | undefined): z.ZodType[] {
  if (!schema) return [];
  const def = defOf(schema);
  if (def.options) return def.options.flatMap(expand);
  const inner = def.innerType ?? def.in;
  return inner ? expand(inner) : [schema];
}

function childOf(schema: z.ZodType, seg: Key): z.ZodType | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape?.[String(seg)];
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return undefined;
}
