/**
 * The output cache modes (ComfyUI's --cache-classic, --cache-lru N, --cache-none): one contract every mode meets,
 * then what each mode keeps between prompts.
 */
import { describe, expect, it } from 'vitest';
import { childScope, createOutputCache, ROOT_SCOPE, type CacheConfig, type CacheNode, type CachedResult } from '../../../server/engine/output-cache.js';

const result = (v: number): CachedResult => ({ outputs: [[v]] });
const node = (id: string, key = `k${id}`, classType = 'T'): CacheNode => ({ id, classType, key });

function runContract(config: CacheConfig): void {
  describe(`${config.mode} contract`, () => {
    it('reports its mode and starts empty', () => {
      const cache = createOutputCache(config);
      expect(cache.mode).toBe(config.mode);
      expect(cache.size).toBe(0);
      expect(cache.get(ROOT_SCOPE, 'k1')).toBeUndefined();
    });

    it('never stores an uncacheable key', () => {
      const cache = createOutputCache(config);
      cache.startPrompt([node('1', 'nocache:x')]);
      cache.set(ROOT_SCOPE, 'nocache:x', result(1));
      expect(cache.get(ROOT_SCOPE, 'nocache:x')).toBeUndefined();
      expect(cache.size).toBe(0);
    });

    it('forgets everything on clear()', () => {
      const cache = createOutputCache(config);
      cache.startPrompt([node('1')]);
      cache.set(ROOT_SCOPE, 'k1', result(1));
      cache.clear();
      expect(cache.size).toBe(0);
      expect(cache.get(ROOT_SCOPE, 'k1')).toBeUndefined();
    });

    it('keeps within a prompt what the mode keeps across the same prompt', () => {
      const cache = createOutputCache(config);
      cache.startPrompt([node('1'), node('2')]);
      cache.set(ROOT_SCOPE, 'k1', result(1));
      cache.set(ROOT_SCOPE, 'k2', result(2));
      cache.startPrompt([node('1'), node('2')]);
      const kept = config.mode !== 'none';
      expect(cache.get(ROOT_SCOPE, 'k1')?.outputs).toEqual(kept ? [[1]] : undefined);
      expect(cache.size).toBe(kept ? 2 : 0);
    });
  });
}

runContract({ mode: 'classic' });
runContract({ mode: 'lru', size: 4 });
runContract({ mode: 'none' });

describe('createOutputCache', () => {
  it('defaults to classic and refuses an LRU size below 1', () => {
    expect(createOutputCache().mode).toBe('classic');
    expect(() => createOutputCache({ mode: 'lru', size: 0 })).toThrow(/≥ 1/);
  });
});

describe('classic', () => {
  it('keeps the results whose signature the new prompt has, under any node id, and drops the rest', () => {
    const cache = createOutputCache({ mode: 'classic' });
    cache.startPrompt([node('1', 'a'), node('2', 'b')]);
    cache.set(ROOT_SCOPE, 'a', result(1));
    cache.set(ROOT_SCOPE, 'b', result(2));
    cache.startPrompt([node('7', 'a'), node('8', 'c')]);
    expect(cache.get(ROOT_SCOPE, 'a')?.outputs).toEqual([[1]]);
    expect(cache.get(ROOT_SCOPE, 'b')).toBeUndefined();
    // Gone for good: a prompt that has `b` again does not bring it back.
    cache.startPrompt([node('2', 'b')]);
    expect(cache.size).toBe(0);
  });

  it("keeps an expansion's results while its parent (same id and type) is in the prompt", () => {
    const cache = createOutputCache({ mode: 'classic' });
    const parent = node('5', 'p', 'Repeat');
    const scope = childScope(ROOT_SCOPE, parent);
    cache.startPrompt([parent]);
    cache.startScope(scope, [node('5.0.c0', 'x'), node('5.0.c1', 'y')]);
    cache.set(scope, 'x', result(1));
    cache.set(scope, 'y', result(2));
    // Scopes are separate: the root has no `x`.
    expect(cache.get(ROOT_SCOPE, 'x')).toBeUndefined();

    // The parent's own signature changed, but it is still node 5 of type Repeat: its scope stays until it expands.
    cache.startPrompt([node('5', 'p2', 'Repeat')]);
    expect(cache.get(scope, 'x')?.outputs).toEqual([[1]]);
    cache.startScope(scope, [node('5.0.c0', 'x'), node('5.0.c1', 'z')]);
    expect(cache.get(scope, 'x')?.outputs).toEqual([[1]]);
    expect(cache.get(scope, 'y')).toBeUndefined();

    // Another type under id 5: the scope goes.
    cache.startPrompt([node('5', 'p2', 'Other')]);
    expect(cache.get(scope, 'x')).toBeUndefined();
  });

  it('drops nested scopes whose parent the expansion no longer adds', () => {
    const cache = createOutputCache({ mode: 'classic' });
    const outer = childScope(ROOT_SCOPE, node('1', 'p', 'Loop'));
    const inner = childScope(outer, node('1.0.a', 'q', 'Loop'));
    cache.startPrompt([node('1', 'p', 'Loop')]);
    cache.startScope(outer, [node('1.0.a', 'q', 'Loop')]);
    cache.startScope(inner, [node('1.0.a.0.b', 'r')]);
    cache.set(inner, 'r', result(3));
    cache.startPrompt([node('1', 'p', 'Loop')]);
    expect(cache.get(inner, 'r')?.outputs).toEqual([[3]]);
    cache.startScope(outer, [node('1.0.other', 'q', 'Loop')]);
    expect(cache.get(inner, 'r')).toBeUndefined();
  });
});

describe('lru', () => {
  it('keeps results across prompts up to N, evicting the oldest generation first', () => {
    const cache = createOutputCache({ mode: 'lru', size: 2 });
    cache.startPrompt([node('1', 'a')]);
    cache.set(ROOT_SCOPE, 'a', result(1));
    cache.startPrompt([node('1', 'b')]);
    cache.set(ROOT_SCOPE, 'b', result(2));
    // Two prompts, two results: both kept although the second prompt does not have `a`.
    expect(cache.get(ROOT_SCOPE, 'a')?.outputs).toEqual([[1]]); // a lookup counts as a use (generation 2)
    cache.startPrompt([node('1', 'c')]);
    cache.set(ROOT_SCOPE, 'c', result(3));
    // Three results > 2 at the next start: generation 2 (a, b) is older than 3 (c).
    cache.startPrompt([node('1', 'c')]);
    expect(cache.size).toBe(1);
    expect(cache.get(ROOT_SCOPE, 'c')?.outputs).toEqual([[3]]);
  });

  it("never evicts the running prompt's own results, even beyond N", () => {
    const cache = createOutputCache({ mode: 'lru', size: 1 });
    const nodes = [node('1', 'a'), node('2', 'b'), node('3', 'c')];
    cache.startPrompt(nodes);
    for (const n of nodes) cache.set(ROOT_SCOPE, n.key, result(1));
    cache.startPrompt(nodes);
    expect(cache.size).toBe(3);
  });

  it('shares results across scopes (one pool by signature)', () => {
    const cache = createOutputCache({ mode: 'lru', size: 4 });
    const scope = childScope(ROOT_SCOPE, node('5', 'p'));
    cache.startPrompt([node('5', 'p')]);
    cache.startScope(scope, [node('5.0.x', 'x')]);
    cache.set(scope, 'x', result(9));
    expect(cache.get(ROOT_SCOPE, 'x')?.outputs).toEqual([[9]]);
  });
});

describe('none', () => {
  it('stores nothing', () => {
    const cache = createOutputCache({ mode: 'none' });
    cache.startPrompt([node('1')]);
    cache.set(ROOT_SCOPE, 'k1', result(1));
    expect(cache.get(ROOT_SCOPE, 'k1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
