/**
 * Engine events as JSON lines in Terraform's machine-readable envelope:
 * `{"@level","@message","@module","@timestamp","type",...event}`.
 */
import type { EngineEvent, EventSink } from '../../planner/events.js';
import { createEventFormatter } from './event-messages.js';

export interface JsonSinkOptions {
  /** Clock for `@timestamp`; injectable so tests are deterministic. */
  now?: () => Date;
}

export function createJsonSink(write: (chunk: string) => void, opts: JsonSinkOptions = {}): EventSink {
  const format = createEventFormatter();
  const now = opts.now ?? (() => new Date());
  return (event) => {
    const envelope = {
      '@level': levelOf(event),
      '@message': format(event)[0],
      '@module': 'omnitron.ui',
      '@timestamp': now().toISOString(),
      ...event,
    };
    write(`${JSON.stringify(envelope)}\n`);
  };
}

function levelOf(event: EngineEvent): 'info' | 'warn' | 'error' {
  if (event.type === 'apply_errored') return 'error';
  if (event.type === 'warning') return 'warn';
  return 'info';
}
