/**
 * Where the gateway sends each app's traffic: one endpoint per host the app runs on and per instance.
 * An app's HTTP port is its `PORT` env (each instance listens at PORT + its index, as the agent runs
 * them) and a websocket transport its `WS_PORT` env (one listener per host); an app with neither is
 * not routed.
 */
import type { AppSpec } from '../config/model.js';

export interface GatewayEndpoint { host: string; port: number }

export interface Upstream {
  app: string;
  /** `AUTH` for app `auth`: the placeholders' spelling (`${UPSTREAM_AUTH_HOST}`). */
  placeholder: string;
  http: GatewayEndpoint[];
  ws: GatewayEndpoint[];
}

export function appPort(app: AppSpec, variable: 'PORT' | 'WS_PORT'): number | undefined {
  const text = app.env[variable];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const port = Number(text);
  return port > 0 && port < 65536 ? port : undefined;
}

export function placeholderName(app: string): string {
  return app.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `hostsOf`: the addresses the gateway reaches an app's nodes at (127.0.0.1 on a local stack). */
export function gatewayUpstreams(apps: readonly AppSpec[], hostsOf: (app: AppSpec) => string[]): Upstream[] {
  return apps.flatMap((app) => {
    const http = appPort(app, 'PORT');
    const ws = appPort(app, 'WS_PORT');
    if (http === undefined && ws === undefined) return [];
    const endpoints = (base: number | undefined, instances: number) => base === undefined ? [] : hostsOf(app).flatMap((host) =>
      Array.from({ length: instances }, (_, i) => ({ host, port: base + i })));
    return [{ app: app.name, placeholder: placeholderName(app.name), http: endpoints(http, app.instances), ws: endpoints(ws, 1) }];
  });
}
