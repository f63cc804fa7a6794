import { describe, expect, it } from 'vitest';
import type { InspectedContainer } from './container-attributes.js';
import { failureOf } from './container-health.js';
import { statusOf } from './container.js';

function state(status: string, health?: string, restarts = 0, exitCode = 0): InspectedContainer {
  return {
    Id: 'c0ffee', Name: '/x', RestartCount: restarts,
    State: { Status: status, ExitCode: exitCode, Health: health ? { Status: health } : undefined },
    Config: { Image: 'img' }, HostConfig: {},
  };
}

describe('readiness', () => {
  it('keeps waiting while running', () => {
    expect(failureOf(state('running', 'starting'), 0)).toBeUndefined();
  });

  it('fails when the container exited', () => {
    expect(failureOf(state('exited', undefined, 0, 3), 0)).toEqual({ restarting: false, exitCode: 3 });
  });

  it('fails when the restart policy brought it back after a crash', () => {
    expect(failureOf(state('restarting', undefined, 1, 1), 0)).toEqual({ restarting: true, exitCode: 1 });
  });

  it('leaves the exit code to the event log when the restart policy already brought it back', () => {
    expect(failureOf(state('running', 'starting', 1, 0), 0)).toEqual({ restarting: true });
  });

  it('reports health in the status', () => {
    expect(statusOf(state('running', 'unhealthy'))).toBe('unhealthy');
    expect(statusOf(state('running', 'healthy'))).toBe('running');
    expect(statusOf(state('exited', 'unhealthy'))).toBe('exited');
  });
});
