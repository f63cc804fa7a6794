import { readFileSync } from 'node:fs';

// The bundle defines this (scripts/bundle.mjs): on a node there is no package.json beside it.
declare const __OMNITRON_VERSION__: string | undefined;

/** The omnitron package version, the CLI's as well as the agent's (they ship together); read once, from source or dist/. */
export const OMNITRON_VERSION: string = typeof __OMNITRON_VERSION__ === 'string' ? __OMNITRON_VERSION__ : (() => {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch { /* try the next layout */ }
  }
  return 'unknown';
})();
