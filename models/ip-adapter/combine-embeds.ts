/**
 * IPAdapter_plus's `combine_embeds` (docs/ip-adapter-nodes.md): several reference images' CLIP image embeddings
 * [N, d] → the embeddings the projection sees. "concat" keeps all N (each image then gives its own 4 tokens);
 * the others reduce to one row: sum, first minus the mean of the rest, mean, or the mean of the rows after dividing
 * each feature by its norm over the batch (IPAdapter_plus's "norm average", `torch.norm(dim=0)`).
 * One image is never combined, as there.
 */
import type { FloatTensor } from '../tensors.js';

/** The choices, in IPAdapter_plus's order. */
export const COMBINE_EMBEDS = ['concat', 'add', 'subtract', 'average', 'norm average'] as const;
export type CombineEmbeds = (typeof COMBINE_EMBEDS)[number];

function rowsOf(t: FloatTensor): Float32Array[] {
  const [n, d] = t.dims as [number, number];
  return Array.from({ length: n }, (_, i) => t.data.subarray(i * d, (i + 1) * d));
}

function reduce(rows: readonly Float32Array[], mode: Exclude<CombineEmbeds, 'concat'>): Float32Array {
  const d = rows[0]!.length;
  const mean = (rs: readonly Float32Array[]) => {
    const out = new Float32Array(d);
    for (const r of rs) for (let j = 0; j < d; j++) out[j] += r[j]! / rs.length;
    return out;
  };
  switch (mode) {
    case 'add': return mean(rows).map((v) => v * rows.length);
    case 'average': return mean(rows);
    case 'subtract': {
      const rest = mean(rows.slice(1));
      return rows[0]!.map((v, j) => v - rest[j]!);
    }
    case 'norm average': {
      const norm = new Float32Array(d);
      for (const r of rows) for (let j = 0; j < d; j++) norm[j] += r[j]! * r[j]!;
      return mean(rows.map((r) => r.map((v, j) => v / Math.sqrt(norm[j]!))));
    }
  }
}

/** [N, d] → [N, d] (concat, or N = 1) or [1, d]. */
export function combineEmbeds(embeds: FloatTensor, mode: CombineEmbeds): FloatTensor {
  if (embeds.dims.length !== 2) throw new Error(`combine_embeds: image embeddings must be [N, d], got [${embeds.dims.join(', ')}]`);
  if (mode === 'concat' || embeds.dims[0] === 1) return embeds;
  if (!(COMBINE_EMBEDS as readonly string[]).includes(mode)) throw new Error(`unknown combine_embeds "${mode}" (expected one of: ${COMBINE_EMBEDS.join(', ')})`);
  return { data: reduce(rowsOf(embeds), mode), dims: [1, embeds.dims[1]!] };
}

/** IPAdapter_plus's `tensor_to_size`: the first `n` rows, or every row plus copies of the last up to `n`. */
export function rowsToSize(t: FloatTensor, n: number): FloatTensor {
  const [b, ...rest] = t.dims as [number, ...number[]];
  if (b === n) return t;
  const row = rest.reduce((a, c) => a * c, 1);
  const out = new Float32Array(n * row);
  for (let i = 0; i < n; i++) out.set(t.data.subarray(Math.min(i, b - 1) * row, (Math.min(i, b - 1) + 1) * row), i * row);
  return { data: out, dims: [n, ...rest] };
}
