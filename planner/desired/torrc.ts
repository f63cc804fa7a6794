/**
 * The `tor` preset's torrc, locked down like the daemon's: tor only publishes hidden services, never
 * acts as a client (SocksPort 0), relay (ORPort/DirPort 0) or exit (ExitPolicy reject). Each hidden
 * service keeps its keys in its own directory under the data directory, so the .onion survives
 * container re-creation and reboots. `extraTorrc` comes last, where its lines win.
 */
import type { HiddenService, TorConfig } from '../config/tor-config.js';

export function hiddenServiceDir(dataDir: string, name: string): string {
  return `${dataDir}/hs-${name}`;
}

export function renderTorrc(tor: TorConfig, dataDir: string, log: string): string {
  const lines = [
    '# Written by omnitron: hidden services only; no client, relay or exit traffic.',
    `DataDirectory ${dataDir}`,
    'SocksPort 0',
    'ControlPort 0',
    'ORPort 0',
    'DirPort 0',
    'ExitRelay 0',
    'ExitPolicy reject *:*',
    `Log notice ${log}`,
    ...tor.hiddenServices.flatMap((hs) => ['', ...hiddenServiceLines(hs, dataDir)]),
    ...(tor.extraTorrc.length > 0 ? ['', '# config.extraTorrc', ...tor.extraTorrc] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function hiddenServiceLines(hs: HiddenService, dataDir: string): string[] {
  return [
    `HiddenServiceDir ${hiddenServiceDir(dataDir, hs.name)}`,
    'HiddenServiceVersion 3',
    `HiddenServicePort ${hs.virtualPort} ${hs.target}`,
    'HiddenServiceEnableIntroDoSDefense 1',
    'HiddenServicePoWDefensesEnabled 1',
  ];
}
