import { describe, expect, it } from 'vitest';
import { at, within } from './source-context.js';

describe('source context', () => {
  const ctx = { file: '/p/apps/m/config/default.json', root: '/p', prefix: ['omnitron'], strict: false };
  it('extends the prefix and renders file and path', () => {
    const inner = within(ctx, 'infrastructure', 'search');
    expect(inner.prefix).toEqual(['omnitron', 'infrastructure', 'search']);
    expect(at(inner, 'env', 'SEARCH_URL')).toEqual({ file: ctx.file, path: 'omnitron.infrastructure.search.env.SEARCH_URL' });
    expect(at({ ...ctx, prefix: [] })).toEqual({ file: ctx.file });
  });
});
