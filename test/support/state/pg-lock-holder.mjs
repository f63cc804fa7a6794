// Child process for test/e2e/shared-state.test.ts: tries to take a stack's lock in the Postgres state
// backend, prints one JSON line ({"locked": lock} or {"refused": message}), and a holder keeps the lock
// until its stdin ends, then unlocks and exits. Runs the TypeScript sources with Node's type stripping.
// Usage: node pg-lock-holder.mjs URL PROJECT STACK
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (e) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw e;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});

const { PgBackend } = await import('../../../planner/state/pg-backend.ts');
const [url, project, stack] = process.argv.slice(2);
const backend = new PgBackend({ url, schema: 'omnitron', project, stack });
let lock;
try {
  lock = await backend.lock({ operation: 'apply' });
} catch (e) {
  process.stdout.write(`${JSON.stringify({ refused: e instanceof Error ? e.message : String(e) })}\n`);
  await backend.close();
  process.exit(0);
}
process.stdout.write(`${JSON.stringify({ locked: lock })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await backend.unlock(lock.id);
  await backend.close();
  process.exit(0);
});
