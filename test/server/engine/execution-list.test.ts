/**
 * ExecutionList's release of results (what --cache-none drops while a prompt runs): a completed node's result is
 * released once every node that took a strong link to it has completed.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionList } from '../../../server/engine/execution-list.js';

/** A list over `edges` (node → its strong sources) that "runs" nodes in ready order and records releases. */
function harness(edges: Record<string, string[]>) {
  const done = new Set<string>();
  const released: string[] = [];
  const list = new ExecutionList({
    strongSources: (id) => edges[id] ?? [],
    available: (id) => done.has(id),
    released: (id) => {
      released.push(id);
      done.delete(id);
    },
  });
  const runAll = () => {
    const order: string[] = [];
    for (let id = list.nextReady(); id !== undefined; id = list.nextReady()) {
      order.push(id);
      done.add(id);
      list.complete(id);
    }
    return order;
  };
  return { list, released, runAll, done };
}

describe('ExecutionList.complete', () => {
  it('releases a source when its last consumer completes, and output nodes at once', () => {
    // a → b → out, a → c → out
    const h = harness({ out: ['b', 'c'], b: ['a'], c: ['a'] });
    h.list.add('out');
    expect(h.runAll()).toEqual(['a', 'b', 'c', 'out']);
    expect(h.released).toEqual(['a', 'b', 'c', 'out']);
  });

  it('keeps a source that a strong link added later still holds', () => {
    const h = harness({ out: ['b'], b: ['a'] });
    h.list.add('out');
    expect(h.list.nextReady()).toBe('a');
    h.done.add('a');
    h.list.complete('a');
    expect(h.released).toEqual([]); // b holds a
    // `out` asks for `a` too (a lazy input), while a still has its result.
    expect(h.list.addStrongLink('a', 'out')).toBe(false);
    expect(h.runAll()).toEqual(['b', 'out']);
    expect(h.released).toEqual(['b', 'a', 'out']);
  });

  it('stages a released source again when a lazy input asks for it after the release', () => {
    const h = harness({ late: ['b'], b: ['a'] });
    h.list.add('late');
    const ran: string[] = [];
    let asked = false;
    for (let id = h.list.nextReady(); id !== undefined; id = h.list.nextReady()) {
      ran.push(id);
      if (id === 'late' && !asked) {
        asked = true;
        // late's checkLazy asks for `a`, which b's completion released: it must run again.
        expect(h.released).toContain('a');
        expect(h.list.addStrongLink('a', 'late')).toBe(true);
        continue;
      }
      h.done.add(id);
      h.list.complete(id);
    }
    expect(ran).toEqual(['a', 'b', 'late', 'a', 'late']);
  });

  it('releases nothing without a released hook', () => {
    const list = new ExecutionList({ strongSources: (id) => (id === 'out' ? ['a'] : []), available: () => false });
    list.add('out');
    expect(list.nextReady()).toBe('a');
    list.complete('a');
    expect(list.nextReady()).toBe('out');
  });
});
