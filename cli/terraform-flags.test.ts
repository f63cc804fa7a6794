import { describe, expect, it } from 'vitest';
import { normalizeArgv } from './terraform-flags.js';

describe('normalizeArgv', () => {
  it('accepts Terraform-style single-dash long flags', () => {
    expect(normalizeArgv(['plan', '-out', 'p.plan', '-detailed-exitcode', '-target=docker_container.redis']))
      .toEqual(['plan', '--out', 'p.plan', '--detailed-exitcode', '--target=docker_container.redis']);
  });
  it('leaves short flags, values and unknown words alone', () => {
    expect(normalizeArgv(['plan', '-c', 'x.ts', '--json', '-nope', 'out'])).toEqual(['plan', '-c', 'x.ts', '--json', '-nope', 'out']);
  });
});

describe('normalizeArgv: --allow-empty', () => {
  it('takes the single-dash spelling too', () => {
    expect(normalizeArgv(['apply', '-allow-empty'])).toEqual(['apply', '--allow-empty']);
  });
});
