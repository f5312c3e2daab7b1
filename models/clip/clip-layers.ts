/**
 * The transformer layer shared by every CLIP tower, over a file's own weights in either key layout
 * (docs/model-folders.md):
 * - `hf`: Hugging Face `CLIPEncoderLayer` — `layer_norm1`, `self_attn.{q,k,v,out}_proj`, `layer_norm2`, `mlp.fc1/fc2`;
 * - `openclip`: OpenCLIP / OpenAI `ResidualAttentionBlock` — `ln_1`, `attn.in_proj_weight` [3d, d] (q, k, v
 *   stacked) + `attn.in_proj_bias`, `attn.out_proj`, `ln_2`, `mlp.c_fc/c_proj`.
 * Both compute x + attn(LN₁(x)), then x + mlp(LN₂(x)) with quick-GELU (OpenAI) or exact GELU (OpenCLIP ViT-H).
 */
import { fusedAttention, gelu, heads, layerNorm, linear, type Net } from '../weights/torch-layers.js';

/** The MLP activations CLIP towers use: OpenAI's quick_gelu, OpenCLIP's exact GELU. */
export const CLIP_ACTIVATIONS = ['quick_gelu', 'gelu'] as const;
export type ClipActivation = (typeof CLIP_ACTIVATIONS)[number];

/** The key layouts of CLIP weights. */
export const CLIP_KEY_LAYOUTS = ['hf', 'openclip'] as const;
export type ClipKeyLayout = (typeof CLIP_KEY_LAYOUTS)[number];

/** CLIP's quick_gelu: x·sigmoid(1.702·x). */
export function quickGelu(n: Net, x: string): string {
  return n.b.mul(x, n.b.sigmoid(n.b.mul(x, n.b.constFloat(1.702))));
}

/** The MLP activation of a CLIP tower. */
export function clipActivation(n: Net, x: string, a: ClipActivation): string {
  return a === 'gelu' ? gelu(n, x) : quickGelu(n, x);
}

/** The shape of one CLIP encoder layer. */
export interface ClipLayerShape {
  readonly width: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly activation: ClipActivation;
  readonly eps: number;
}

/** Options of {@link clipLayer}. */
export interface ClipLayerOptions {
  readonly layout: ClipKeyLayout;
  /** Additive mask broadcastable to [B, heads, T, T]; without one the fused MultiHeadAttention kernel is used. */
  readonly mask?: string;
}

/** Sub-keys of one layer by layout. */
const NAMES = {
  hf: { ln1: 'layer_norm1', ln2: 'layer_norm2', out: 'self_attn.out_proj', fc1: 'mlp.fc1', fc2: 'mlp.fc2' },
  openclip: { ln1: 'ln_1', ln2: 'ln_2', out: 'attn.out_proj', fc1: 'mlp.c_fc', fc2: 'mlp.c_proj' },
} as const;

/** q, k, v projections [B, T, d] of the normalised input `h`. */
function qkv(n: Net, h: string, key: string, s: ClipLayerShape, layout: ClipKeyLayout): [string, string, string] {
  const d = s.width;
  if (layout === 'hf') {
    const p = (name: string) => linear(n, h, `${key}.self_attn.${name}`, { inDim: d, outDim: d });
    return [p('q_proj'), p('k_proj'), p('v_proj')];
  }
  const { b, w } = n;
  const stacked = b.add(b.matMul(h, w.param(b, `${key}.attn.in_proj_weight`, [3 * d, d], 'linear')), w.param(b, `${key}.attn.in_proj_bias`, [3 * d]));
  const out = [b.fresh('q'), b.fresh('k'), b.fresh('v')] as [string, string, string];
  b.node('Split', [stacked, b.constInt64([d, d, d])], out, { axis: -1 });
  return out;
}

/** softmax(q·kᵀ/√d + mask)·v per head → [B, T, d]. */
function selfAttention(n: Net, q: string, k: string, v: string, s: ClipLayerShape, mask?: string): string {
  if (!mask) return fusedAttention(n, { q, k, v, heads: s.heads });
  const { b } = n;
  const hd = s.width / s.heads;
  const scores = b.add(b.matMul(b.mul(heads(n, q, s.heads, hd), b.constFloat(1 / Math.sqrt(hd))), b.transpose(heads(n, k, s.heads, hd), [0, 1, 3, 2])), mask);
  return b.reshape(b.transpose(b.matMul(b.softmax(scores, -1), heads(n, v, s.heads, hd)), [0, 2, 1, 3]), [0, 0, s.width]);
}

/** One CLIP encoder layer under `key` in the given key layout; see the module comment. */
export function clipLayer(n: Net, x: string, key: string, s: ClipLayerShape, o: ClipLayerOptions): string {
  const { b } = n;
  const d = s.width;
  if (!Number.isInteger(d / s.heads)) throw new Error(`${key}: width ${d} is not divisible by ${s.heads} heads`);
  const names = NAMES[o.layout];
  const h = layerNorm(n, x, `${key}.${names.ln1}`, d, s.eps);
  const [q, k, v] = qkv(n, h, key, s, o.layout);
  x = b.add(x, linear(n, selfAttention(n, q, k, v, s, o.mask), `${key}.${names.out}`, { inDim: d, outDim: d }));
  const m = linear(n, layerNorm(n, x, `${key}.${names.ln2}`, d, s.eps), `${key}.${names.fc1}`, { inDim: d, outDim: s.intermediate });
  return b.add(x, linear(n, clipActivation(n, m, s.activation), `${key}.${names.fc2}`, { inDim: s.intermediate, outDim: d }));
}

/** Layers 0, 1, ... present under `prefix` (`<prefix><i>.`). */
export function countLayers(keys: readonly string[], prefix: string): number {
  const seen = new Set<number>();
  for (const k of keys) {
    if (!k.startsWith(prefix)) continue;
    const i = Number.parseInt(k.slice(prefix.length), 10);
    if (Number.isInteger(i)) seen.add(i);
  }
  let layers = 0;
  while (seen.has(layers)) layers++;
  return layers;
}
