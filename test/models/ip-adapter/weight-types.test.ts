/**
 * IPAdapter_plus's weight types on SD1.5's 16 IP layers, in the adapter's key order (input 0–5, output 6–14,
 * middle 15), against the rules of its CrossAttentionPatch / ipadapter_execute written out by transformer index
 * (input 0–5, middle 6, output 7–15), and the embeds_scaling feed.
 */
import { describe, expect, it } from 'vitest';
import { IPADAPTER_WEIGHT_TYPES, ipScaling, layerWeights, weightTypeProblem } from '../../../models/ip-adapter/weight-types.js';

/** Key slot → ComfyUI transformer index. */
const T = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 6];
const close = (a: Float32Array, b: number[]) => Array.from(a).forEach((v, i) => expect(v, `slot ${i}`).toBeCloseTo(b[i]!, 6));

describe('layerWeights', () => {
  it('linear gives the weight everywhere; weak/strong scale whole blocks by 0.2', () => {
    close(layerWeights('linear', 0.8), new Array(16).fill(0.8));
    close(layerWeights('weak input', 1), T.map((t) => (t < 6 ? 0.2 : 1)));
    close(layerWeights('weak middle', 1), T.map((t) => (t === 6 ? 0.2 : 1)));
    close(layerWeights('weak output', 1), T.map((t) => (t > 6 ? 0.2 : 1)));
    close(layerWeights('strong middle', 1), T.map((t) => (t === 6 ? 1 : 0.2)));
  });

  it('the ease curves follow the transformer index, not the key order', () => {
    close(layerWeights('ease in', 2), T.map((t) => 2 * (0.05 + 0.95 * (1 - t / 16))));
    close(layerWeights('ease out', 2), T.map((t) => 2 * (0.05 + 0.95 * (t / 16))));
    close(layerWeights('ease in-out', 1), T.map((t) => 0.05 + 0.95 * (1 - Math.abs(t - 8) / 8)));
    close(layerWeights('reverse in-out', 1), T.map((t) => 0.05 + 0.95 * (Math.abs(t - 8) / 8)));
    // The middle layer (key slot 15) is transformer 6.
    expect(layerWeights('ease out', 1)[15]).toBeCloseTo(0.05 + 0.95 * (6 / 16), 6);
  });

  it('style and composition keep only their layers', () => {
    const style = new Set([0, 1, 2, 3, 9, 10, 11, 12, 13, 14, 15]);
    close(layerWeights('style transfer', 1.5), T.map((t) => (style.has(t) ? 1.5 : 0)));
    close(layerWeights('composition', 1), T.map((t) => (t === 4 ? 0.25 : t === 5 ? 1 : 0)));
    close(layerWeights('strong style transfer', 1), T.map((t) => (t === 4 || t === 5 ? 0 : 1)));
    close(layerWeights('style and composition', 2), T.map((t) => (style.has(t) ? 2 : t === 4 ? 0.25 : t === 5 ? 1 : 0)));
  });

  it('refuses the precise types and unknown names with a reason', () => {
    for (const t of IPADAPTER_WEIGHT_TYPES) {
      if (t.endsWith('precise')) expect(weightTypeProblem(t)).toMatch(/swaps the image tokens per layer/);
      else expect(weightTypeProblem(t), t).toBeUndefined();
    }
    expect(() => layerWeights('sideways', 1)).toThrow(/unknown weight_type "sideways"/);
  });
});

describe('ipScaling', () => {
  it('V only scales the output; K+V moves one shared weight onto the tokens', () => {
    const w = layerWeights('style transfer', 0.7);
    expect(ipScaling(w, 'V only')).toEqual({ layerScales: w, tokenScale: 1 });
    const kv = ipScaling(w, 'K+V');
    expect(kv.tokenScale).toBeCloseTo(0.7, 6);
    expect(Array.from(kv.layerScales)).toEqual(Array.from(w).map((v) => (v === 0 ? 0 : 1)));
  });

  it('refuses K+V with several weights and the C-penalty variants', () => {
    expect(() => ipScaling(layerWeights('composition', 1), 'K+V')).toThrow(/needs one weight on every active layer/);
    expect(() => ipScaling(layerWeights('linear', 1), 'K+V w/ C penalty')).toThrow(/scales each layer by its width/);
    expect(() => ipScaling(layerWeights('linear', 1), 'K only')).toThrow(/unknown embeds_scaling/);
  });
});
