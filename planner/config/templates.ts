/**
 * Templates of services: `${host}`, `${port:NAME}`, `${secret:NAME}`, rendered in a service's `env`,
 * its `docker.environment` (base, variants, preset tweaks, stack overrides) and its
 * `bareMetal.configTemplate`. A name the service does not declare is an error here (it would render
 * as "", e.g. a Redis started with `--requirepass ""`). Commands are passed on verbatim, so a
 * template there is an error too: it would reach the process as written.
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { quotedList, suggestion } from './did-you-mean.js';
import { at, within, type SourceContext } from './source-context.js';
import type { RawDockerOverlay } from './schema.js';
import type { BareMetalServiceConfig } from './define.js';

const TOKEN = /\$\{([^}]*)\}/g;
const REF = /^(port|secret):(\w[\w-]*)$/;

export interface TemplateRef { kind: 'host' | 'port' | 'secret'; name?: string; token: string }

/** What a service's templates may name. */
export interface TemplateScope { ports: Record<string, number>; secrets: Record<string, unknown> }

type Where = Pick<Diagnostic, 'file' | 'path'>;

/** `${...}` tokens of one template, classified; unknown forms have kind undefined. */
export function templateTokens(template: string): Array<TemplateRef | { kind: undefined; token: string }> {
  return [...template.matchAll(TOKEN)].map(([token, inner]) => {
    if (inner === 'host') return { kind: 'host' as const, token };
    const m = REF.exec(inner);
    return m ? { kind: m[1] as 'port' | 'secret', name: m[2], token } : { kind: undefined, token };
  });
}

/** `ctx` points at the service; paths come out as `<service>.env.VAR`. */
export function checkTemplates(env: Record<string, string>, ports: Record<string, number>, secrets: Record<string, unknown>, ctx: SourceContext): Diagnostic[] {
  return Object.entries(env).flatMap(([name, template]) => checkTemplate(template, { ports, secrets }, at(ctx, 'env', name), { warnUnknown: true }));
}

/** One rendered text. Other `${...}` forms stay verbatim: a warning in env, silence in files (nginx, shells use them). */
export function checkTemplate(text: string, scope: TemplateScope, where: Where, opts: { warnUnknown?: boolean } = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ref of templateTokens(text)) {
    if (ref.kind === undefined) {
      if (opts.warnUnknown) out.push(warning(`unknown template ${ref.token} is left as is`, { detail: 'templates are ${host}, ${port:NAME} and ${secret:NAME}', ...where }));
    } else if (ref.kind === 'port' && !(ref.name! in scope.ports)) {
      out.push(error(`unknown port "${ref.name}" in ${ref.token}${suggestion(ref.name!, Object.keys(scope.ports))}`, { detail: `this service's ports are ${quotedList(Object.keys(scope.ports))}; fix the name or declare it under ports`, ...where }));
    } else if (ref.kind === 'secret' && !(ref.name! in scope.secrets)) {
      out.push(error(`unknown secret "${ref.name}" in ${ref.token}${suggestion(ref.name!, Object.keys(scope.secrets))}`, { detail: `declare it under secrets, e.g. secrets: { "${ref.name}": { "secret": "${ref.name}" } }`, ...where }));
    }
  }
  return out;
}

const RENDERED_IN = 'templates are rendered in env, docker.environment and bareMetal.configTemplate';
const DOCKER_FIX = `${RENDERED_IN}; pass the value through docker.environment and read it in the command, e.g. ["sh", "-c", "exec redis-server --requirepass \\"$PASSWORD\\""]`;
const NODE_FIX = `${RENDERED_IN}; write the port or path itself, or read the rendered configFile`;

/** A text omnitron passes on as written (a command): any of its own templates there is a mistake. */
export function checkUnrendered(text: string, where: Where, fix = DOCKER_FIX): Diagnostic[] {
  return templateTokens(text).filter((ref) => ref.kind !== undefined).map((ref) =>
    error(`${ref.token} is not rendered here; the command would get it as written`, { detail: fix, ...where }));
}

/** A docker block or overlay as written; `ctx` points at it. */
export function checkDockerTemplates(docker: RawDockerOverlay & { variants?: Record<string, RawDockerOverlay> }, scope: TemplateScope, ctx: SourceContext): Diagnostic[] {
  const out = Object.entries(docker.environment ?? {}).flatMap(([k, v]) => checkTemplate(String(v), scope, at(ctx, 'environment', k)));
  for (const field of ['command', 'entrypoint'] as const) out.push(...argvUnrendered(docker[field], ctx, field));
  for (const [name, variant] of Object.entries(docker.variants ?? {})) out.push(...checkDockerTemplates(variant, scope, within(ctx, 'variants', name)));
  return out;
}

function argvUnrendered(value: string | string[] | undefined, ctx: SourceContext, field: string): Diagnostic[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return checkUnrendered(value, at(ctx, field));
  return value.flatMap((word, i) => checkUnrendered(word, at(ctx, field, i)));
}

/** A bareMetal block as written; `ctx` points at it. */
export function checkBareMetalTemplates(bm: BareMetalServiceConfig, scope: TemplateScope, ctx: SourceContext): Diagnostic[] {
  const out = bm.configTemplate === undefined ? [] : checkTemplate(bm.configTemplate, scope, at(ctx, 'configTemplate'));
  for (const field of ['installCommand', 'validateCommand'] as const) if (bm[field] !== undefined) out.push(...checkUnrendered(bm[field]!, at(ctx, field), NODE_FIX));
  for (const [name, variant] of Object.entries(bm.variants ?? {})) out.push(...checkBareMetalTemplates(variant, scope, within(ctx, 'variants', name)));
  return out;
}
