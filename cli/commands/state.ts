/**
 * `omnitron state history | pull | push | mv`: reading and moving one stack's recorded state.
 * Everything that writes takes the lock (waiting with --lock-wait); what it reads or writes stays sealed.
 */
import { open, readFile } from 'node:fs/promises';
import { UserError, error } from '../../planner/diagnostics.js';
import { type StateDocument, parseState, serializeState } from '../../planner/state/document.js';
import { openRecord } from '../../planner/state/encryption.js';
import { readDocument } from '../../planner/state/state-store.js';
import { lockState, openSession, openStore, type LockFlags, type Session, type StackOptions } from '../session.js';
import type { Output } from '../output.js';

export async function stateHistoryCommand(flags: StackOptions & { json?: boolean }, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  try {
    const [history, current] = [await session.backend.history(), await readDocument(session.backend)];
    if (flags.json) {
      const now = current ? { serial: current.doc.serial, lineage: current.doc.lineage, records: Object.keys(current.doc.resources).length, updated_at: current.doc.updatedAt } : null;
      out.print(JSON.stringify({ format_version: '1.0', location: session.backend.describe(), current: now, versions: history.map((h) => ({ serial: h.serial, lineage: h.lineage, written_at: h.writtenAt, bytes: h.bytes })) }, null, 2));
      return 0;
    }
    out.print(`State of stack "${session.stack.scope.stack}" at ${session.backend.describe()}`);
    if (current) out.print(`Current: serial ${current.doc.serial}, lineage ${current.doc.lineage}, ${Object.keys(current.doc.resources).length} resources, updated ${current.doc.updatedAt}`);
    else out.print('Current: no state');
    if (history.length === 0) return 0;
    out.print('\n  serial  written                   size      lineage');
    for (const h of history) out.print(`  ${String(h.serial).padStart(6)}  ${h.writtenAt}  ${formatBytes(h.bytes).padEnd(8)}  ${h.lineage}`);
    out.print('\n`omnitron state pull --serial N` prints one of these versions.');
    return 0;
  } finally {
    await session.backend.close();
  }
}

/** Prints (or writes to --out, 0600) the sealed state document: the current one or a version from history. */
export async function statePullCommand(flags: StackOptions & { out?: string; serial?: number }, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  try {
    const bytes = flags.serial !== undefined ? await session.backend.readVersion(flags.serial) : await currentDocument(session);
    if (bytes === null) {
      throw new UserError(error(flags.serial !== undefined ? `no version with serial ${flags.serial} in the history` : 'there is no state to pull', {
        file: session.backend.describe(), detail: flags.serial !== undefined ? '`omnitron state history` lists the versions kept.' : undefined,
      }));
    }
    if (!flags.out) {
      process.stdout.write(bytes);
      return 0;
    }
    const file = await open(flags.out, 'w', 0o600);
    try {
      await file.writeFile(bytes);
      await file.chmod(0o600);
    } finally {
      await file.close();
    }
    out.warn(`Wrote the state of stack "${session.stack.scope.stack}" to ${flags.out} (secrets stay sealed).`);
    return 0;
  } finally {
    await session.backend.close();
  }
}

async function currentDocument(session: Session): Promise<Uint8Array | null> {
  const current = await readDocument(session.backend);
  return current && serializeState(current.doc);
}

/**
 * Replaces the stack's state with a document from a file (as `state pull` wrote it): same project and stack,
 * the same lineage as the state it replaces, a higher serial, and every sealed value readable with the key.
 */
export async function statePushCommand(file: string, flags: StackOptions & LockFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const pushed = parseState(await readFile(file), file);
  checkPushedIdentity(pushed, session, file);
  for (const record of Object.values(pushed.resources)) await openRecord(record, session.key);
  const lock = await lockState(session, 'state push', flags, out);
  try {
    const current = await readDocument(session.backend);
    if (current) checkPushedVersion(pushed, current.doc, file, session.backend.describe());
    await session.backend.put(serializeState(pushed), { lineage: pushed.lineage, serial: pushed.serial, previous: current?.doc.serial ?? 0 });
    out.print(`Pushed ${file} (serial ${pushed.serial}, ${Object.keys(pushed.resources).length} resources) to ${session.backend.describe()}.`);
    return 0;
  } finally {
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
}

function checkPushedIdentity(pushed: StateDocument, session: Session, file: string): void {
  const { project, stack } = session.stack.scope;
  if (pushed.project === project && pushed.stack === stack) return;
  throw new UserError(error(`the state in ${file} is for project "${pushed.project}", stack "${pushed.stack}", not project "${project}", stack "${stack}"`, {
    file, detail: 'Pass the matching --stack. Nothing was pushed.',
  }));
}

function checkPushedVersion(pushed: StateDocument, current: StateDocument, file: string, where: string): void {
  if (pushed.lineage !== current.lineage) {
    throw new UserError(error(`the state in ${file} has lineage ${pushed.lineage}, but ${where} holds lineage ${current.lineage}`, {
      file, detail: 'It is another state of the same name: nothing was pushed.',
    }));
  }
  if (pushed.serial <= current.serial) {
    throw new UserError(error(`the state in ${file} has serial ${pushed.serial}, not newer than the serial ${current.serial} at ${where}`, {
      file, detail: 'Pull the current state, make the change there and raise its serial above the current one. Nothing was pushed.',
    }));
  }
}

/** Renames a resource in state without touching it: the next plan sees it at its new address. */
export async function stateMvCommand(from: string, to: string, flags: StackOptions & LockFlags, out: Output): Promise<number> {
  const session = await openSession(flags, out);
  const lock = await lockState(session, 'state mv', flags, out);
  try {
    const store = await openStore(session);
    const record = store.get(from);
    if (!record) throw new UserError(error(`no resource ${from} in state`, { detail: 'Nothing was moved. `omnitron state list` shows every address state holds.' }));
    if (store.get(to)) throw new UserError(error(`${to} is already in state`, { detail: 'Nothing was moved. Move or remove that one first.' }));
    const type = to.slice(0, to.indexOf('.'));
    if (!to.includes('.') || to.endsWith('.')) throw new UserError(error(`"${to}" is not a resource address`, { detail: `Write it as TYPE.NAME, e.g. ${record.type}.new_name.` }));
    if (type !== record.type) {
      throw new UserError(error(`cannot move ${from} to ${to}: ${from} is a ${record.type}, not a ${type}`, { detail: `The new address must keep the type: ${record.type}.NAME. Nothing was moved.` }));
    }
    await store.rename(from, to);
    await store.compact();
    out.print(`Move "${from}" to "${to}"\nSuccessfully moved 1 object(s).`);
    return 0;
  } finally {
    await session.backend.unlock(lock.id).finally(() => session.backend.close());
  }
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
