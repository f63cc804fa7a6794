/** Picks how apply progress is shown: ink on an interactive terminal, plain lines in CI and pipes, JSON lines with --json. */
import type { EventSink } from '../planner/events.js';
import { createJsonSink } from './views/events-json.js';
import { createPlainSink } from './views/events-plain.js';
import type { Output } from './output.js';

export async function createSink(out: Output, json: boolean): Promise<{ sink: EventSink; done(): Promise<void> }> {
  const write = (chunk: string) => { process.stdout.write(chunk); };
  if (json) return { sink: createJsonSink(write), done: async () => {} };
  if (out.tty) return (await import('./views/apply-progress.js')).createInkSink(process.stdout);
  return { sink: createPlainSink(write), done: async () => {} };
}
