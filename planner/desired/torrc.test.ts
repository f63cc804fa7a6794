import { describe, expect, it } from 'vitest';
import { renderTorrc } from './torrc.js';

describe('renderTorrc', () => {
  it('publishes only hidden services, each in its own directory, with extraTorrc last', () => {
    const torrc = renderTorrc({
      hiddenServices: [{ name: 'admin', virtualPort: 80, target: 'host.docker.internal:8080' }],
      extraTorrc: ['DisableNetwork 1'],
    }, '/var/lib/tor', 'stdout');
    expect(torrc).toBe(`# Written by omnitron: hidden services only; no client, relay or exit traffic.
DataDirectory /var/lib/tor
SocksPort 0
ControlPort 0
ORPort 0
DirPort 0
ExitRelay 0
ExitPolicy reject *:*
Log notice stdout

HiddenServiceDir /var/lib/tor/hs-admin
HiddenServiceVersion 3
HiddenServicePort 80 host.docker.internal:8080
HiddenServiceEnableIntroDoSDefense 1
HiddenServicePoWDefensesEnabled 1

# config.extraTorrc
DisableNetwork 1
`);
  });

  it('has no DisableNetwork unless the config adds it', () => {
    expect(renderTorrc({ hiddenServices: [{ name: 'a', virtualPort: 80, target: '80' }], extraTorrc: [] }, '/d', 'stdout')).not.toContain('DisableNetwork');
  });
});
