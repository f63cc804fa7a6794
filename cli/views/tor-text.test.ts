import { describe, expect, it } from 'vitest';
import { renderOnionsText } from './tor-text.js';

const onion = (c: string) => `${c.repeat(56)}.onion`;

describe('renderOnionsText', () => {
  it('aligns names, and says which address tor has not created yet', () => {
    expect(renderOnionsText([
      { service: 'tor', name: 'admin', onion: onion('a'), virtualPort: 80, target: 'host.docker.internal:8080' },
      { service: 'tor', name: 'webapp', onion: null, virtualPort: 443, target: '9800' },
    ])).toBe([
      `admin   ${onion('a')}  (port 80 → host.docker.internal:8080)`,
      'webapp  (no address yet: tor has not created its keys)  (port 443 → 9800)',
    ].join('\n'));
  });

  it('prefixes the service when the stack runs several', () => {
    expect(renderOnionsText([
      { service: 'tor', name: 'admin', onion: onion('a'), virtualPort: 80, target: '80' },
      { service: 'tor2', name: 'admin', onion: onion('b'), virtualPort: 80, target: '80' },
    ]).split('\n').map((l) => l.split('  ')[0])).toEqual(['tor/admin', 'tor2/admin']);
  });
});
