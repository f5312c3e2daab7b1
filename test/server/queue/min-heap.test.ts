import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../server/queue/min-heap.js';

describe('MinHeap', () => {
  const byNumberThenId = (a: [number, string], b: [number, string]) => (a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1]);

  it('pops in (number, id) order whatever the insertion order', () => {
    const h = new MinHeap(byNumberThenId);
    const items: [number, string][] = [[3, 'a'], [1, 'z'], [-2, 'm'], [1, 'b'], [0, 'q'], [3, 'A']];
    items.forEach((x) => h.push(x));
    const out: [number, string][] = [];
    for (let x = h.pop(); x; x = h.pop()) out.push(x);
    expect(out).toEqual([[-2, 'm'], [0, 'q'], [1, 'b'], [1, 'z'], [3, 'A'], [3, 'a']]);
  });

  it('removeWhere keeps the heap property', () => {
    const h = new MinHeap<number>((a, b) => a < b);
    [9, 4, 7, 1, 8, 2, 6, 3, 5].forEach((x) => h.push(x));
    expect(h.removeWhere((x) => x % 2 === 0).sort()).toEqual([2, 4, 6, 8]);
    const out: number[] = [];
    for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
    expect(out).toEqual([1, 3, 5, 7, 9]);
  });
});
