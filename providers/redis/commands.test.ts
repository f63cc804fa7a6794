import { describe, expect, it } from 'vitest';
import { configGetDatabases, dbsize, flushdb, getMarker, MARKER_KEY, probeAll, select, setMarker } from './commands.js';

describe('redis command builders', () => {
  it('build argv arrays with string arguments', () => {
    expect(MARKER_KEY).toBe('omnitron:owner');
    expect(configGetDatabases()).toEqual(['config', 'get', 'databases']);
    expect(select(7)).toEqual(['select', '7']);
    expect(getMarker()).toEqual(['get', 'omnitron:owner']);
    expect(setMarker('{"a":"b c; d"}')).toEqual(['set', 'omnitron:owner', '{"a":"b c; d"}']);
    expect(dbsize()).toEqual(['dbsize']);
    expect(flushdb()).toEqual(['flushdb']);
  });

  it('probe every DB in one batch and return to DB 0', () => {
    expect(probeAll(2)).toEqual([
      ['select', '0'], ['get', 'omnitron:owner'], ['dbsize'],
      ['select', '1'], ['get', 'omnitron:owner'], ['dbsize'],
      ['select', '0'],
    ]);
  });
});
