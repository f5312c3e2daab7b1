/**
 * Independent references for the IP-Adapter tests (which run on `createModelFixture` from test/support): a float64
 * JS image projection computed straight from the safetensors tensors, and seeded EMBEDS with distinct raw /
 * perceptual / semantic parts.
 */
import type { ImageEmbeds } from '../../../models/declip/types.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import type { FloatTensor } from '../../../models/tensors.js';
import { pseudoRandom } from '../../support/arrays.js';

/** EMBEDS for one image with three distinct d-wide parts. */
export function makeEmbeds(d = 1024, seed = 7): ImageEmbeds {
  const part = (s: number): FloatTensor => ({ data: pseudoRandom(d, s), dims: [1, d] });
  return { modelKey: 'test-embeds', dim: d, count: 1, raw: part(seed), perceptual: part(seed + 1), semantic: part(seed + 2) };
}

/**
 * The ImageProjModel in float64 JS, from the file's tensors (docs/model-folders.md): y = W·x + b, reshape [tokens, C],
 * LayerNorm(C, eps 1e-5) with the norm's weight and bias. Independent of the code under test.
 */
export async function referenceProjection(file: string, x: Float32Array): Promise<Float32Array> {
  const f = await openSafetensors(file);
  const [w, b, g, beta] = await Promise.all(['proj.weight', 'proj.bias', 'norm.weight', 'norm.bias'].map((k) => f.read(`image_proj.${k}`)));
  await f.close();
  const c = g!.length;
  const n = b!.length;
  const d = x.length;
  const y = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let s = b![o]!;
    for (let i = 0; i < d; i++) s += w![o * d + i]! * x[i]!;
    y[o] = s;
  }
  const out = new Float32Array(n);
  for (let t = 0; t < n / c; t++) {
    const row = y.subarray(t * c, (t + 1) * c);
    const mean = row.reduce((a, v) => a + v, 0) / c;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / c;
    for (let j = 0; j < c; j++) out[t * c + j] = ((row[j]! - mean) / Math.sqrt(variance + 1e-5)) * g![j]! + beta![j]!;
  }
  return out;
}
