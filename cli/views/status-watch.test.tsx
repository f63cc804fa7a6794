import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { goldensIn } from '../../test/support/goldens.js';
import { STATUS_NOW, WATCHED_TARGETS } from '../../test/fixtures/views/agent-statuses.js';
import { createStatusWatch, cpuText, rssText, StatusWatch } from './status-watch.js';

const expectGolden = goldensIn(fileURLToPath(new URL('../../test/goldens/terminal/', import.meta.url)));
const strip = (s: string) => s.replace(/\x1b\[\d+m/g, '');

// ink renders take seconds on a loaded machine; nothing here asserts on time
const INK_TIMEOUT_MS = 60_000;

afterEach(cleanup);

describe('StatusWatch', { timeout: INK_TIMEOUT_MS }, () => {
  it('draws per target the agent line and a table with state, restarts, health, CPU, RSS and uptime', () => {
    const { lastFrame } = render(<StatusWatch targets={WATCHED_TARGETS} now={STATUS_NOW} intervalMs={2_000} color={false} />);
    expectGolden('status-watch.txt', `${lastFrame()}\n`);
  });

  it('says it is asking before the first answers arrive', () => {
    const { lastFrame } = render(<StatusWatch targets={[]} now={STATUS_NOW} intervalMs={2_000} color={false} />);
    expectGolden('status-watch-first.txt', `${lastFrame()}\n`);
  });

  it('redraws with the next refresh', () => {
    const app = render(<StatusWatch targets={WATCHED_TARGETS} now={STATUS_NOW} intervalMs={2_000} color={false} />);
    expect(app.lastFrame()).toMatch(/^ {2}api +running +0 +ok +12\.3% +87\.4 MiB +2h 13m$/m);
    const later = structuredClone(WATCHED_TARGETS);
    const api = (later[0] as { status: { apps: Array<{ restarts: number; uptimeMs?: number }> } }).status.apps[0];
    Object.assign(api, { restarts: 1, uptimeMs: 5_000 });
    app.rerender(<StatusWatch targets={later} now={STATUS_NOW + 2_000} intervalMs={2_000} color={false} />);
    expect(app.lastFrame()).toMatch(/^ {2}api +running +1 +ok +12\.3% +87\.4 MiB +5s$/m);
  });

  it('paints states and health like `status` does, and differs only by escape codes', () => {
    const coloured = render(<StatusWatch targets={WATCHED_TARGETS} now={STATUS_NOW} intervalMs={2_000} color />).lastFrame() ?? '';
    expect(coloured).toContain('\x1b[32mrunning');
    expect(coloured).toContain('\x1b[31mfailing');
    expect(coloured).toContain('\x1b[33mbackoff');
    const plain = render(<StatusWatch targets={WATCHED_TARGETS} now={STATUS_NOW} intervalMs={2_000} color={false} />).lastFrame();
    expect(strip(coloured)).toBe(plain);
  });
});

describe('cpuText and rssText', { timeout: INK_TIMEOUT_MS }, () => {
  it('print one decimal, MiB below a GiB, and - when the agent has not sampled yet', () => {
    expect([cpuText(undefined), cpuText(0), cpuText(101.26)]).toEqual(['-', '0.0%', '101.3%']);
    expect([rssText(undefined), rssText(45_789_184), rssText(1100 * 1_048_576)]).toEqual(['-', '43.7 MiB', '1.07 GiB']);
  });
});

describe('createStatusWatch', { timeout: INK_TIMEOUT_MS }, () => {
  it('draws each update to its stream and leaves the last one there', async () => {
    let written = '';
    const stream = new Writable({ write(chunk, _enc, cb) { written += String(chunk); cb(); } });
    const view = createStatusWatch(stream as unknown as NodeJS.WriteStream, { intervalMs: 2_000, color: false, interactive: false });
    view.update(WATCHED_TARGETS, STATUS_NOW);
    await view.done();
    expect(written).toContain('node web-1: agent running (pid 812, up 2h 14m, v0.1.0)');
    expect(written).toContain('Refreshing every 2s; Ctrl-C to stop.');
  });
});
