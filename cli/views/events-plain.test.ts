import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../planner/events.js';
import { createPlainSink } from './events-plain.js';
import { FAILED_APPLY } from '../../test/fixtures/views/events.js';

function run(events: EngineEvent[]): string {
  let out = '';
  const sink = createPlainSink((chunk) => { out += chunk; });
  events.forEach(sink);
  return out;
}

describe('createPlainSink', () => {
  it('prints Terraform-like lines for a partly failed apply', () => {
    expect(run(FAILED_APPLY)).toBe([
      'docker: Refreshing state...',
      'docker: Refresh complete after 0s [7 objects]',
      'docker_network.default: Creating...',
      'docker_network.default: Creation complete after 0s',
      'docker_container.postgres: Creating...',
      'docker_container.redis: Replacing...',
      'docker_container.postgres: Still creating... [10s elapsed] (waiting for health)',
      'Error: docker_container.redis: port 127.0.0.1:6379 is already allocated',
      '  stop whatever listens on 6379 or change ports.redis',
      'docker_container.postgres: Creation complete after 13s',
      'env_file.auth: Skipped (upstream docker_container.redis failed)',
      'postgres_role.auth: Modifying...',
      'postgres_role.auth: Modifications complete after 0s',
      'docker_container.legacy: Destroying...',
      'docker_container.legacy: Destruction complete after 1s',
      'docker_volume.data: Recording in state...',
      'docker_volume.data: Recording complete after 0s',
      'Warning: docker_container.postgres: health check took longer than 10s',
      '',
      'Apply failed: 2 added, 1 changed, 1 destroyed, 1 failed, 1 skipped. State records everything that completed; fix the error and run apply again.',
      '',
    ].join('\n'));
  });

  it('ends a clean apply with the Terraform footer', () => {
    expect(run([{ type: 'change_summary', operation: 'apply', add: 3, change: 0, destroy: 1, failed: 0, skipped: 0 }]))
      .toBe('\nApply complete! Resources: 3 added, 0 changed, 1 destroyed.\n');
  });

  it('ends a destroy with the destroy footer', () => {
    expect(run([{ type: 'change_summary', operation: 'destroy', add: 0, change: 0, destroy: 8, failed: 0, skipped: 0 }]))
      .toBe('\nDestroy complete! Resources: 8 destroyed.\n');
    expect(run([{ type: 'change_summary', operation: 'destroy', add: 0, change: 0, destroy: 6, failed: 1, skipped: 1 }]))
      .toBe('\nDestroy failed: 6 destroyed, 1 failed, 1 skipped. State records everything that completed; fix the error and run destroy again.\n');
  });

  it('still says something for progress on an address it never saw start', () => {
    expect(run([{ type: 'apply_progress', address: 'a.b', message: '', elapsedMs: 61_000 }])).toBe('a.b: Still working... [1m1s elapsed]\n');
  });
});
