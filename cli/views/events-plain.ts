/** Engine events as plain Terraform-like lines: CI logs, pipes, NO_COLOR. */
import type { EventSink } from '../../planner/events.js';
import { createEventFormatter } from './event-messages.js';

/** `write` receives whole lines ending in `\n`, e.g. `(s) => process.stdout.write(s)`. */
export function createPlainSink(write: (chunk: string) => void): EventSink {
  const format = createEventFormatter();
  return (event) => {
    const lines = format(event);
    if (event.type === 'change_summary') lines.unshift('');
    write(lines.map((line) => `${line}\n`).join(''));
  };
}
