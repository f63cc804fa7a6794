// Child process for planner/state/state-store.crash.test.ts: holds the lock and writes records through StateStore
// in a loop until it is killed with SIGKILL. Runs the TypeScript sources with Node's type stripping;
// the hook maps the `.js` import specifiers the sources use to their `.ts` files.
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

const { LocalBackend } = await import('../../../planner/state/local-backend.ts');
const { StateStore } = await import('../../../planner/state/state-store.ts');
const { loadStateKey } = await import('../../../planner/state/encryption.ts');

const [stackDir] = process.argv.slice(2);
const backend = new LocalBackend({ stackDir, stack: 'dev' });
const lock = await backend.lock({ operation: 'apply' });
const store = await StateStore.open(backend, await loadStateKey(), { project: 'crash', stack: 'dev' });
const banner = `ready ${store.persistedSerial} ${lock.takenOver ? 'took-over' : 'fresh'}\n`;

const padding = 'x'.repeat(100_000);
function record(round, slot) {
  return {
    address: `random_password.p${slot}`,
    type: 'random_password',
    id: `p${slot}`,
    attributes: { length: 32, round, padding },
    outputs: { result: `crash-secret-${round}-${slot}-${Math.random().toString(36).slice(2)}` },
    dependsOn: [],
    sensitive: ['outputs.result'],
    hash: String(round),
    updatedAt: new Date().toISOString(),
  };
}

for (let round = 0; ; round++) {
  await Promise.all([0, 1, 2, 3].map((slot) => store.upsert(record(round, slot))));
  await store.remove(`random_password.p${round % 4}`);
  // Announced after the first round, so the parent's kill always lands after at least one write.
  if (round === 0) process.stdout.write(banner);
}
