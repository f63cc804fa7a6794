import { describe, expect, it } from 'vitest';
import { parseAgentStatus } from './status.js';

describe('the agent status document as readers see it', () => {
  it('ignores a document that is not JSON or not an object', () => {
    expect(parseAgentStatus('{"agent":')).toBeUndefined();
    expect(parseAgentStatus('[1]')).toBeUndefined();
    expect(parseAgentStatus('{"apps":[]}')).toEqual({ apps: [] });
  });
});
