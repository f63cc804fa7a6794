/**
 * The `tor` preset's container wiring: the rendered torrc in the environment (the preset's command
 * writes it and execs tor), and a health check that passes once every hidden service has its keys
 * and hostname file.
 */
import type { Expr } from '../expr.js';
import type { ResolvedService } from '../config/model.js';
import { TOR_DOCKER_DATA_DIR, type TorConfig } from '../config/tor-config.js';
import { hiddenServiceDir, renderTorrc } from './torrc.js';

export function torConfigOf(service: ResolvedService): TorConfig {
  const config = service.requirement.presetConfig as Partial<TorConfig> | undefined;
  return { hiddenServices: config?.hiddenServices ?? [], extraTorrc: config?.extraTorrc ?? [] };
}

export function torDockerWiring(service: ResolvedService): { env: Record<string, Expr>; healthcheck: Expr } {
  const tor = torConfigOf(service);
  const hostnames = tor.hiddenServices.map((hs) => `test -s ${hiddenServiceDir(TOR_DOCKER_DATA_DIR, hs.name)}/hostname`);
  return {
    env: { OMNITRON_TORRC: renderTorrc(tor, TOR_DOCKER_DATA_DIR, 'stdout') },
    healthcheck: { test: ['CMD-SHELL', hostnames.join(' && ') || 'true'], interval: 1000, timeout: 5000, retries: 120, startPeriod: 0 },
  };
}
