/**
 * Operators type Terraform's single-dash long flags (`-out=plan`, `-auto-approve`, `-target=ADDR`)
 * from muscle memory. Rewrite the ones we support to their `--` form before commander parses.
 */
const SINGLE_DASH = new Set(['out', 'target', 'replace', 'parallelism', 'auto-approve', 'detailed-exitcode', 'json', 'destroy', 'strict', 'volumes', 'allow-empty', 'refresh-only']);

export function normalizeArgv(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const m = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    return m && SINGLE_DASH.has(m[1]) ? `-${arg}` : arg;
  });
}
