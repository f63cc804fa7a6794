import { describe, expect, it } from 'vitest';
import { renderNodesJson } from './discovery-json.js';
import { NODES as nodes, NOW } from '../../test/fixtures/views/discovery-nodes.js';

describe('rendering live nodes as JSON', () => {
  const view = { stack: 'prod', index: 3, now: NOW };

  it('prints JSON with snake_case fields, ISO times and ages', () => {
    expect(JSON.parse(renderNodesJson(nodes, { ...view, filter: { name: 'auth' } }))).toEqual({
      format_version: '1.0', stack: 'prod', redis_db: 3, service: { name: 'auth' },
      nodes: [
        { node_id: 'app-1', address: '10.0.0.5:3000', services: [{ name: 'auth', version: '1.0.0' }, { name: 'media' }], last_heartbeat: '2026-11-22T11:59:55.800Z', last_heartbeat_age_ms: 4_200 },
        { node_id: 'app-2-long-name', address: '10.0.0.6:3000', services: [], last_heartbeat: '2026-11-22T11:56:48.000Z', last_heartbeat_age_ms: 192_000 },
      ],
    });
    expect(JSON.parse(renderNodesJson([], view))).toMatchObject({ service: null, nodes: [] });
  });
});
