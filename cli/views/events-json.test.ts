import { describe, expect, it } from 'vitest';
import { createJsonSink } from './events-json.js';
import { FAILED_APPLY } from '../../test/fixtures/views/events.js';

function run() {
  let out = '';
  const sink = createJsonSink((chunk) => { out += chunk; }, { now: () => new Date('2026-01-07T02:00:00.000Z') });
  FAILED_APPLY.forEach(sink);
  return out;
}

describe('createJsonSink', () => {
  it('writes one JSON object per line, one per event', () => {
    const lines = run().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(FAILED_APPLY.length);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(FAILED_APPLY.map((e) => e.type));
  });

  it('wraps each event in the Terraform envelope, event fields flat', () => {
    const records = run().trim().split('\n').map((l) => JSON.parse(l));
    expect(records[6]).toEqual({
      '@level': 'info',
      '@message': 'docker_container.postgres: Still creating... [10s elapsed] (waiting for health)',
      '@module': 'omnitron.ui',
      '@timestamp': '2026-01-07T02:00:00.000Z',
      type: 'apply_progress',
      address: 'docker_container.postgres',
      message: 'waiting for health',
      elapsedMs: 10_250,
    });
    expect(Object.keys(records[0]).slice(0, 5)).toEqual(['@level', '@message', '@module', '@timestamp', 'type']);
  });

  it('levels errors and warnings', () => {
    const records = run().trim().split('\n').map((l) => JSON.parse(l));
    const level = (type: string) => records.find((r) => r.type === type)['@level'];
    expect(level('apply_errored')).toBe('error');
    expect(level('warning')).toBe('warn');
    expect(level('change_summary')).toBe('info');
    expect(records.find((r) => r.type === 'apply_errored')['@message']).toBe('Error: docker_container.redis: port 127.0.0.1:6379 is already allocated');
  });
});
