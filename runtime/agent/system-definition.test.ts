import { describe, expect, it } from 'vitest';
import { checkDefinition } from './system-definition.js';

describe('checkDefinition', () => {
  it('keeps name and the processes name/module', () => {
    expect(checkDefinition({ name: 'auth', version: '1', processes: [{ name: 'http', module: './main.js', critical: true }] }, 'b.js'))
      .toEqual({ name: 'auth', processes: [{ name: 'http', module: './main.js' }] });
  });

  it.each([
    [undefined, 'b.js: no default export'],
    [{ processes: [] }, 'b.js: "name" is missing'],
    [{ name: 'a', processes: [] }, 'b.js: "processes" is empty'],
    [{ name: 'a', processes: [{ name: 'x' }] }, 'b.js: processes[0].module is missing'],
    [{ name: 'a', processes: [{ name: 'x', module: './a.js' }, { name: 'x', module: './b.js' }] }, 'b.js: process "x" is defined twice'],
  ])('rejects %j', (value, message) => {
    expect(() => checkDefinition(value, 'b.js')).toThrow(message);
  });
});
