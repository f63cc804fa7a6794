/**
 * Redis commands as data: argv arrays (lower-case command names), built here and unit-tested; the
 * connection executes them.
 */
export type Command = [name: string, ...args: string[]];

/** The ownership marker: a key in each DB omnitron manages, holding JSON {project, stack, address, hash, …}. */
export const MARKER_KEY = 'omnitron:owner';

export const configGetDatabases = (): Command => ['config', 'get', 'databases'];
export const select = (index: number): Command => ['select', String(index)];
export const getMarker = (): Command => ['get', MARKER_KEY];
export const setMarker = (json: string): Command => ['set', MARKER_KEY, json];
export const dbsize = (): Command => ['dbsize'];
export const flushdb = (): Command => ['flushdb'];

/** Per DB index: select it, read the marker, count keys; then back to DB 0. Three replies per index. */
export function probeAll(databases: number): Command[] {
  const out: Command[] = [];
  for (let i = 0; i < databases; i++) out.push(select(i), getMarker(), dbsize());
  out.push(select(0));
  return out;
}
