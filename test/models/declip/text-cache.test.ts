import { describe, expect, it } from 'vitest';
import { TextEmbeddingCache } from '../../../models/declip/text-cache.js';

describe('TextEmbeddingCache', () => {
  it('keys on model and text, and evicts the least recently used entry', () => {
    const c = new TextEmbeddingCache(2);
    c.set('m1', 'a', Float32Array.of(1));
    c.set('m2', 'a', Float32Array.of(2));
    expect(c.get('m1', 'a')).toEqual(Float32Array.of(1));
    c.set('m1', 'b', Float32Array.of(3)); // evicts m2/a, the least recently used
    expect(c.get('m2', 'a')).toBeUndefined();
    expect(c.get('m1', 'a')).toEqual(Float32Array.of(1));
    expect(c.stats()).toEqual({ entries: 2, hits: 2, misses: 1 });
  });
});
