/**
 * Checks of a stack's gateway before anything is observed: every `${UPSTREAM_…}` placeholder in the
 * user's config names an app of this stack with that port (hosts do not matter here).
 */
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import { fillPlaceholders } from '../desired/gateway-nginx.js';
import { gatewayUpstreams } from '../desired/gateway-upstreams.js';
import type { StackModel } from './model.js';

export function checkGateways(model: StackModel): Diagnostic[] {
  return model.services.filter((s) => s.requirement.preset === 'openresty' && !s.external).flatMap((service): Diagnostic[] => {
    const site = service.requirement.gatewaySite;
    if (!site) return [];
    const upstreams = gatewayUpstreams(model.apps, () => ['127.0.0.1']);
    return Object.entries(site.files).filter(([rel]) => rel.endsWith('.conf')).flatMap(([rel, text]) =>
      fillPlaceholders(text, upstreams).problems.map((problem) => error(`${problem} (stack "${model.stack.name}")`, {
        file: path.join(site.dir, rel),
        detail: 'placeholders are ${UPSTREAM_<APP>_HOST}/_PORT (the app\'s PORT env) and _WS_HOST/_WS_PORT (its WS_PORT env)',
      })));
  });
}
