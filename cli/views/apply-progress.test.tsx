import { Writable } from 'node:stream';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { EngineEvent } from '../../planner/events.js';
import { ApplyProgress, createInkSink } from './apply-progress.js';
import { FAILED_APPLY } from '../../test/fixtures/views/events.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const frame = (events: EngineEvent[], tick = 0) => strip(render(<ApplyProgress events={events} tick={tick} />).lastFrame());

afterEach(cleanup);

describe('ApplyProgress', () => {
  it('shows one line per resource with its state, aligned, plus warnings and the summary', () => {
    const [rows, summary] = frame(FAILED_APPLY).split('\n\n');
    expect(rows).toBe([
      '✔ docker                     refreshed 7 objects 0s',
      '✔ docker_network.default     created 0s',
      '✔ docker_container.postgres  created 13s',
      '✖ docker_container.redis     failed: port 127.0.0.1:6379 is already allocated',
      '    stop whatever listens on 6379 or change ports.redis',
      '↷ env_file.auth              skipped (upstream docker_container.redis failed)',
      '✔ postgres_role.auth         modified 0s',
      '✔ docker_container.legacy    destroyed 1s',
      '✔ docker_volume.data         recorded 0s',
      'Warning: docker_container.postgres: health check took longer than 10s',
    ].join('\n'));
    // ink wraps the long summary at the terminal width
    expect(summary.replace(/\s+/g, ' ')).toBe(
      'Apply failed: 2 added, 1 changed, 1 destroyed, 1 failed, 1 skipped. State records everything that completed; fix the error and run apply again.',
    );
  });

  it('shows running resources with a spinner frame, status, elapsed time and the latest message', () => {
    const running = FAILED_APPLY.slice(0, 7);
    expect(frame(running, 0).split('\n')).toContain('⠋ docker_container.postgres  creating… 10s (waiting for health)');
    expect(frame(running, 0).split('\n')).toContain('⠋ docker_container.redis     replacing…');
    expect(frame(running, 1).split('\n')).toContain('⠙ docker_container.redis     replacing…');
  });

  it('renders nothing before any event', () => {
    expect(frame([])).toBe('');
  });

  it('re-renders as events arrive', () => {
    const app = render(<ApplyProgress events={FAILED_APPLY.slice(0, 5)} />);
    expect(strip(app.lastFrame())).toContain('⠋ docker_container.postgres  creating…');
    app.rerender(<ApplyProgress events={FAILED_APPLY.slice(0, 9)} />);
    expect(strip(app.lastFrame())).toContain('✔ docker_container.postgres  created 13s');
  });
});

// Each event redraws the whole view: seconds in all on a loaded machine; nothing here is about time.
describe('createInkSink', { timeout: 60_000 }, () => {
  it('renders the events it receives to the given stream and finishes on done()', async () => {
    let written = '';
    const stream = new Writable({ write(chunk, _enc, cb) { written += String(chunk); cb(); } });
    const { sink, done } = createInkSink(stream as unknown as NodeJS.WriteStream, { interactive: false });
    FAILED_APPLY.forEach(sink);
    await done();
    const out = strip(written);
    expect(out).toContain('✔ docker_container.postgres  created 13s');
    expect(out).toContain('✖ docker_container.redis     failed: port 127.0.0.1:6379 is already allocated');
    expect(out).toContain('Apply failed: 2 added, 1 changed, 1 destroyed, 1 failed, 1 skipped.');
  });
});
