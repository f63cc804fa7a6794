import { describe, expect, it } from 'vitest';
import { checkDefinition } from './system-definition.js';

describe('checkDefinition', () => {
  it('keeps name, version and each process\'s name, module, critical, startupTimeout and health', () => {
    const processes = [{ name: 'http', module: './main.js', critical: true }, { name: 'w', module: './w.js', critical: false, startupTimeout: 30_000, health: { enabled: true, interval: 60_000, timeout: 5_000 } }];
    expect(checkDefinition({ name: 'auth', version: '1', processes }, 'b.js')).toEqual({ name: 'auth', version: '1', processes });
  });

  it('leaves out version, shutdown and health when the definition does not set them, and names the fields the agent does not use', () => {
    expect(checkDefinition({ name: 'a', processes: [{ name: 'x', module: './x.js', transports: { http: { port: 1 } }, health: { retries: 3 } }], hooks: {} }, 'b.js'))
      .toEqual({ name: 'a', processes: [{ name: 'x', module: './x.js', health: {} }], ignored: ['hooks', 'processes[0].transports', 'processes[0].health.retries'] });
  });

  it('keeps the ignored fields a reader child already named (the agent parses its JSON output again)', () => {
    const once = checkDefinition({ name: 'a', processes: [{ name: 'x', module: './x.js', topology: { expose: true } }], auth: {} }, 'b.js');
    expect(checkDefinition(JSON.parse(JSON.stringify(once)), 'b.js')).toEqual(once);
    expect(once.ignored).toEqual(['auth', 'processes[0].topology']);
  });

  it('keeps shutdown and health, only the fields the runtime uses', () => {
    const def = { name: 'a', processes: [{ name: 'x', module: './x.js' }], shutdown: { timeout: 30_000, drainConnections: true }, health: { enabled: false } };
    expect(checkDefinition(def, 'b.js')).toEqual({ name: 'a', processes: [{ name: 'x', module: './x.js' }], shutdown: { timeout: 30_000 }, health: { enabled: false }, ignored: ['shutdown.drainConnections'] });
    expect(checkDefinition({ ...def, shutdown: { priority: -5 }, health: {} }, 'b.js')).toMatchObject({ shutdown: { priority: -5 }, health: {} });
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

  const base = { name: 'a', processes: [{ name: 'x', module: './x.js' }] };
  it.each([
    [{ version: 2 }, 'b.js: defineSystem "version" must be a non-empty string, got 2'],
    [{ version: '' }, 'b.js: defineSystem "version" must be a non-empty string, got ""'],
    [{ shutdown: 5000 }, 'b.js: defineSystem "shutdown" must be an object like { priority: 10, timeout: 30000 }, got 5000'],
    [{ shutdown: { timeout: 0 } }, 'b.js: defineSystem "shutdown.timeout" must be a positive whole number of milliseconds, got 0'],
    [{ shutdown: { timeout: '30s' } }, 'b.js: defineSystem "shutdown.timeout" must be a positive whole number of milliseconds, got "30s"'],
    [{ shutdown: { priority: 1.5 } }, 'b.js: defineSystem "shutdown.priority" must be a whole number, got 1.5'],
    [{ health: false }, 'b.js: defineSystem "health" must be an object like { enabled: false }, got false'],
    [{ health: { enabled: 'no' } }, 'b.js: defineSystem "health.enabled" must be true or false, got "no"'],
    [{ processes: [{ name: 'x', module: './x.js', critical: 'yes' }] }, 'b.js: defineSystem "processes[0].critical" must be true or false, got "yes"'],
    [{ processes: [{ name: 'x', module: './x.js', startupTimeout: '30s' }] }, 'b.js: defineSystem "processes[0].startupTimeout" must be a positive whole number of milliseconds, got "30s"'],
    [{ processes: [{ name: 'x', module: './x.js', health: { interval: 0 } }] }, 'b.js: defineSystem "processes[0].health.interval" must be a positive whole number of milliseconds, got 0'],
  ])('rejects the optional field %j', (extra, message) => {
    const value = { ...base, ...extra };
    expect(() => checkDefinition(value, 'b.js')).toThrow(message);
  });
});
