import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goldensIn } from '../../test/support/goldens.js';
import { DRIFT_FIXTURES } from '../../test/fixtures/views/drift-reports.js';
import { renderDriftJson, driftToJson, findingId } from './drift-json.js';
import { renderDriftMarkdown } from './drift-markdown.js';
import { renderDriftText, renderRefreshOnlyText } from './drift-text.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../test/goldens/drift/', import.meta.url));
const VERSION = '0.1.0-test';

const expectGolden = goldensIn(GOLDEN_DIR);

describe.each(Object.entries(DRIFT_FIXTURES))('drift report %s', (name, report) => {
  it('matches the text golden', () => expectGolden(`${name}.txt`, renderDriftText(report, { color: false })));
  it('matches the Markdown golden', () => expectGolden(`${name}.md`, renderDriftMarkdown(report)));
  it('matches the JSON golden', () => expectGolden(`${name}.json`, renderDriftJson(report, { version: VERSION })));
  it('matches the refresh-only plan golden', () => expectGolden(`${name}.refresh-only.txt`, renderRefreshOnlyText(report, { color: false })));

  it('Markdown tables keep one cell per column: pipes inside values are escaped', () => {
    for (const line of renderDriftMarkdown(report).split('\n').filter((l) => l.startsWith('| '))) {
      expect(line.replace(/\\\|/g, '').split('|').length, line).toBe(6);
    }
  });
});

describe('drift JSON ids', () => {
  it('are unique within a report and depend only on category, kind, address and attribute path', () => {
    const ids = driftToJson(DRIFT_FIXTURES.mixed).findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const edited = structuredClone(DRIFT_FIXTURES.mixed);
    edited.outside[1].attributes[1] = { path: 'vars.LOG_LEVEL', before: 'debug', after: 'warn' };
    edited.runtime[0] = { ...edited.runtime[0], restarts: 40, state: 'failed' };
    expect(driftToJson(edited).findings.map((f) => f.id), 'new values, same drift: same ids').toEqual(ids);
    expect(findingId('outside', 'changed', 'env_file.media', 'vars.LOG_LEVEL')).not.toBe(findingId('pending', 'update', 'env_file.media', 'vars.LOG_LEVEL'));
  });

  it('say drift, pending or clean with the exit code drift uses', () => {
    expect([DRIFT_FIXTURES.mixed, DRIFT_FIXTURES['pending-only'], DRIFT_FIXTURES.clean].map((r) => [driftToJson(r).status, driftToJson(r).exit_code]))
      .toEqual([['drift', 2], ['pending', 3], ['clean', 0]]);
  });
});
