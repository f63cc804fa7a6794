import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OMNITRON_VERSION } from './version.js';

describe('OMNITRON_VERSION', () => {
  it('is the version in the package.json of the checkout it runs from', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(OMNITRON_VERSION).toBe(version);
  });
});
