import { describe, expect, it } from 'vitest';
import { maskedRecord } from './masked-record.js';

describe('maskedRecord', () => {
  it('masks sensitive paths, including keys that contain dots, and leaves the rest', () => {
    const masked = maskedRecord({
      address: 'docker_container.pg', type: 'docker_container', hash: 'h', updatedAt: '', dependsOn: [],
      attributes: { env: { POSTGRES_PASSWORD: 'hunter2', USER: 'pg' }, labels: { 'com.example.token': 't0k' } },
      outputs: { password: 'pw' },
      sensitive: ['attributes.env.POSTGRES_PASSWORD', 'attributes.labels.com.example.token', 'outputs.password'],
    });
    expect(masked.attributes).toEqual({ env: { POSTGRES_PASSWORD: '(sensitive value)', USER: 'pg' }, labels: { 'com.example.token': '(sensitive value)' } });
    expect(masked.outputs).toEqual({ password: '(sensitive value)' });
  });
});
