/**
 * `omnitron state rekey [--new-key]`: re-seals the stack's secrets with the current state key. The previous
 * key (OMNITRON_STATE_KEY_PREVIOUS, or the key file's `.previous`) is still accepted for reading, so stacks
 * not yet re-sealed keep working; this command says which stacks of the config still need it.
 */
import { rotateKeyFile, type StateKey } from '../../planner/state/state-key.js';
import { sealedKeyId } from '../../planner/state/encryption.js';
import { openBackend } from '../../planner/state/open-backend.js';
import { readDocument } from '../../planner/state/state-store.js';
import { resolveStateLocation } from '../../planner/state/state-url.js';
import { lockState, openSession, openStore, type LockFlags, type Session, type StackOptions } from '../session.js';
import type { Output } from '../output.js';
import path from 'node:path';

export async function stateRekeyCommand(flags: StackOptions & LockFlags & { newKey?: boolean }, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const lock = await lockState(session, 'state rekey', flags, out);
  try {
    // Opened with the old key first, so a rotation never starts on state this key cannot read.
    await openStore(session);
    if (flags.newKey) {
      session.key = await rotateKeyFile(session.key);
      out.print(`Made a new state key in ${session.key.source}; the old one is kept as ${session.key.previous![0].source} and still read.`);
    }
    const store = await openStore(session);
    await store.reseal();
    out.print(`Re-sealed the ${store.records().length} resources of stack "${session.stack.scope.stack}" with the key from ${describeSource(session.key)} (serial ${store.persistedSerial}).`);
  } finally {
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
  await reportPrevious(session, out);
  return 0;
}

/** Which other stacks of the config are still sealed with a previous key. */
async function reportPrevious(session: Session, out: Output): Promise<void> {
  const previous = session.key.previous ?? [];
  if (previous.length === 0) return;
  const stale = new Set(previous.map((k) => k.kid));
  const pending: string[] = [];
  for (const name of Object.keys(session.stack.ecosystem.stacks)) {
    if (name === session.stack.scope.stack) continue;
    if (await usesKey(session, name, stale)) pending.push(name);
  }
  const where = previous.map(describeSource).join(', ');
  out.print(pending.length > 0
    ? `Still sealed with the previous key: ${pending.map((s) => `"${s}"`).join(', ')}. Run \`omnitron state rekey --stack NAME\` for each; the previous key (${where}) is read until then.`
    : `No stack of this config is sealed with the previous key any more: ${where} can be removed (check other configs that share it first).`);
}

async function usesKey(session: Session, stack: string, kids: Set<string>): Promise<boolean> {
  const spec = session.stack.ecosystem.stacks[stack];
  const scope = { project: session.stack.scope.project, stack, stackDir: path.join(session.stack.scope.root, '.omnitron', stack) };
  const backend = openBackend(resolveStateLocation(spec.state ?? session.stack.ecosystem.state), scope);
  try {
    const current = await readDocument(backend);
    return current !== null && Object.values(current.doc.resources).some((r) => kids.has(sealedKeyId(r) ?? ''));
  } finally {
    await backend.close();
  }
}

function describeSource(key: StateKey): string {
  return key.source.startsWith('OMNITRON_') ? key.source : `the key file ${key.source}`;
}
