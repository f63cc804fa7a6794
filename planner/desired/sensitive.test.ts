import { describe, expect, it } from 'vitest';
import { ref } from '../expr.js';
import { sensitivePaths } from './sensitive.js';

describe('sensitivePaths', () => {
  it('marks values built from generated secrets, and literals a config writes under a secret\'s name', () => {
    const attributes = {
      image: 'postgres:15',
      env: {
        POSTGRES_PASSWORD: ref('random_password.postgres', 'result'),
        MINIO_ROOT_PASSWORD: 'written-in-the-config',
        API_TOKEN: 'also-literal',
        POSTGRES_DB: 'app',
        EMPTY_SECRET: '',
      },
    };
    expect(sensitivePaths(attributes).sort()).toEqual(['env.API_TOKEN', 'env.MINIO_ROOT_PASSWORD', 'env.POSTGRES_PASSWORD']);
  });
});
