import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ProviderError } from '../planner/resource.js';
import { parseAttributes } from './parse-attributes.js';

const schema = z.object({ name: z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), mode: z.string().transform((m) => m.padStart(4, '0')) });
const op = (attributes: unknown) => ({ address: 'node_user.app.web', attributes: attributes as never });

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('parseAttributes', () => {
  it('returns the parsed value, transforms applied', () => {
    expect(parseAttributes(schema, op({ name: 'web', mode: '644' }))).toEqual({ name: 'web', mode: '0644' });
  });

  it('names the first bad field to the operator when config wrote it', () => {
    const err = thrown(() => parseAttributes(schema, op({ name: 'a;b', mode: '644' })));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ address: 'node_user.app.web', message: 'invalid attributes: name must be lower-case letters' });
  });

  it('says (root) when the whole value is wrong', () => {
    expect(() => parseAttributes(schema, op(undefined))).toThrow(/^invalid attributes: \(root\) /);
  });

  it('reports attributes omnitron built itself as a bug, not as the operator\'s to fix', () => {
    const err = thrown(() => parseAttributes(schema, op({ name: 'web', mode: 3 }), 'internal'));
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/^internal: node_user\.app\.web has invalid attributes: mode /);
  });
});
