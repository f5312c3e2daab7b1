import { describe, expect, it } from 'vitest';
import { applyGate, gateDecision, selectScores } from '../../../models/declip/quality-gate.js';

describe('gateDecision', () => {
  it('ranks ties by batch order and never loses an index', () => {
    const d = gateDecision([0.5, 0.9, 0.5, 0.9], { mode: 'top_k', threshold: 0, k: 3 });
    expect(d.kept).toEqual([1, 3, 0]);
    expect(d.rejected).toEqual([2]);
  });

  it('keeps everything, ranked, when k exceeds the batch', () => {
    expect(gateDecision([0.1, 0.3], { mode: 'top_k', threshold: 0, k: 10 }).kept).toEqual([1, 0]);
  });

  it('treats the threshold as inclusive', () => {
    expect(gateDecision([0.5, 0.49], { mode: 'threshold', threshold: 0.5, k: 1 }).kept).toEqual([0]);
  });

  it('rejects non-finite scores in every mode, with a note', () => {
    for (const mode of ['threshold', 'top_k', 'best_of'] as const) {
      const d = gateDecision([Infinity, NaN, 0.2], { mode, threshold: 0, k: 5 });
      expect(d.kept).toEqual([2]);
      expect(d.rejected).toEqual([0, 1]);
      expect(d.notes[0]).toMatch(/image\(s\) 0, 1 have no finite score/);
    }
  });
});

describe('selectScores', () => {
  it('picks values and attributes at the given indices', () => {
    const s = selectScores({ label: 'q', values: [1, 2, 3], attributes: { a: [4, 5, 6] } }, [2, 0], 'kept');
    expect(s).toEqual({ label: 'kept', values: [3, 1], attributes: { a: [6, 4] } });
  });
});

describe('applyGate', () => {
  it('passes an empty batch through and keeps its H and W', () => {
    const empty = { data: new Float32Array(0), dims: [0, 5, 7, 3] as [number, number, number, number] };
    const r = applyGate(empty, { label: 'q', values: [] }, { mode: 'best_of', threshold: 0, k: 1 });
    expect(r.kept.dims).toEqual([0, 5, 7, 3]);
    expect(r.rejected.dims).toEqual([0, 5, 7, 3]);
  });
});
