import { describe, expect, it } from 'vitest';
import { checkContainerEnvNames, checkEnvFileNames } from './env-names.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['env'], strict: false };

describe('variable names', () => {
  it('takes shell-style names for env files', () => {
    expect(checkEnvFileNames({ A: '', _B1: '' }, ctx)).toEqual([]);
    expect(checkEnvFileNames({ 'a.b': '', '1A': '', 'A B': '' }, ctx).map((d) => d.path)).toEqual(['env["a.b"]', 'env["1A"]', 'env["A B"]']);
  });
  it('takes any name without "=" or control characters for containers', () => {
    expect(checkContainerEnvNames({ 'discovery.type': '', 'a-b': '' }, ctx)).toEqual([]);
    expect(checkContainerEnvNames({ 'A=B': '', '': '', 'A\nB': '' }, ctx)).toHaveLength(3);
  });
});
