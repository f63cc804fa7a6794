import { describe, expect, it } from 'vitest';
import { cpusToNano, nanoToCpus } from './units.js';

describe('cpus', () => {
  it('converts cpus to nano cpus and back', () => {
    expect(cpusToNano(1.5)).toBe(1_500_000_000);
    expect(nanoToCpus(500_000_000)).toBe(0.5);
  });
});
