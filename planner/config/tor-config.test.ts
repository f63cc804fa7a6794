import { describe, expect, it } from 'vitest';
import { parseTorConfig } from './tor-config.js';

const ctx = { file: '/p/omnitron.config.ts', root: '/p', prefix: ['infrastructure', 'services', 'tor'], strict: false };

describe('parseTorConfig', () => {
  it('keeps hidden services and splits extraTorrc into lines', () => {
    const { tor, diagnostics } = parseTorConfig({
      hiddenServices: [{ name: 'admin', virtualPort: 80, target: 'host.docker.internal:8080' }, { name: 'web_app', virtualPort: 443, target: 9800 }],
      extraTorrc: 'DisableNetwork 1\nLog info stdout',
    }, ctx);
    expect(diagnostics).toEqual([]);
    expect(tor).toEqual({
      hiddenServices: [{ name: 'admin', virtualPort: 80, target: 'host.docker.internal:8080' }, { name: 'web_app', virtualPort: 443, target: '9800' }],
      extraTorrc: ['DisableNetwork 1', 'Log info stdout'],
    });
  });

  it('names the field path of each bad entry', () => {
    const { diagnostics } = parseTorConfig({
      hiddenServices: [{ name: '../keys', virtualPort: 80, target: 'x:1' }, { name: 'a', virtualPort: 70000, target: 'a b' }],
      extraTorrc: [1],
    }, ctx);
    expect(diagnostics.map((d) => `${d.path}: ${d.summary}`)).toEqual([
      'infrastructure.services.tor.config.hiddenServices[0].name: expected a name of letters, digits, "-" and "_"',
      'infrastructure.services.tor.config.hiddenServices[1].virtualPort: expected a port number (1-65535)',
      'infrastructure.services.tor.config.hiddenServices[1].target: expected "host:port" or a port number',
      'infrastructure.services.tor.config.extraTorrc: expected torrc lines (an array of strings, or one string)',
    ]);
  });

  it('rejects a duplicate name and a service without hidden services', () => {
    const twice = parseTorConfig({ hiddenServices: [{ name: 'a', virtualPort: 80, target: '80' }, { name: 'a', virtualPort: 81, target: '81' }] }, ctx);
    expect(twice.diagnostics).toEqual([expect.objectContaining({ summary: 'hidden service "a" is declared twice', path: 'infrastructure.services.tor.config.hiddenServices[1].name' })]);
    const none = parseTorConfig(undefined, ctx);
    expect(none.diagnostics).toEqual([expect.objectContaining({ summary: 'a tor service needs at least one hidden service', path: 'infrastructure.services.tor.config.hiddenServices' })]);
  });
});
