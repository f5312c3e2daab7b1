/**
 * SD1.5 UNet stand-in, `unet/model.onnx` (and the IP-capable `unet_ip/model.onnx`):
 * - `sample` f32 [batch,4,height,width];
 * - `timestep`: int64 [1] (diffusers 2022 / optimum ≤ 1.23), float32 [1] (diffusers ≥ Nov 2022) or a rank-0
 *   float32 scalar (optimum ≥ Nov 2024), per `timestep` in the config (float16 in a float16 build);
 * - `encoder_hidden_states` f32 [batch,sequence,768], sequence dynamic;
 * - IP variant only: `ipadapter_scale` f32 [16] (StreamDiffusion convention, docs/model-folders.md), and the LAST 4 rows of
 *   `encoder_hidden_states` are the image tokens;
 * → `out_sample` f32 [batch,4,height,width].
 *
 * Body: conv_in, a sinusoidal timestep embedding added to every channel, then per block a cross-attention with a
 * real softmax over every text token and a residual conv, then conv_out. The IP variant shares one query between
 * the text attention and a decoupled IP attention with its own softmax over the image tokens:
 * out = to_out(A_text + s·A_ip) (docs/model-folders.md). Block i of L uses s = mean of its share of the 16 scales
 * (all 16 for L = 1), so every scale matters and a uniform scale s acts as s. The plain and IP UNets draw the same
 * weights, so at scale 0 the IP UNet equals the plain UNet on the text tokens.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { attendWith, attention, conv2d, layerNorm, linear, projectQuery, splitHeads } from '../onnx-builder/layers.js';
import { type Rng, rngFor } from '../onnx-builder/prng.js';
import type { BuildOptions } from '../clip/graphs.js';
import { ipLayerWeights } from './ip-adapter.js';

/** Sizes and I/O variants of the UNet stand-in. */
export interface UnetConfig {
  /** Feature channels C of every block. */
  channels: number;
  /** Cross-attention blocks L; 16 must be divisible by L in the IP variant. */
  blocks: number;
  heads: number;
  /** Context width (768 for SD1.5). */
  crossAttentionDim: number;
  /** Sinusoidal timestep features (even). */
  timeEmbedDim: number;
  timestep: 'int64' | 'float32' | 'float32-scalar';
  /** Decoupled IP branch: number of image tokens at the end of the context, and scale vector length. */
  ip?: { tokens: number; scales: number };
}

/** Tiny default (C = 32, one block), int64 [1] timestep. */
export const TINY_UNET_CONFIG: UnetConfig = {
  channels: 32,
  blocks: 1,
  heads: 2,
  crossAttentionDim: 768,
  timeEmbedDim: 32,
  timestep: 'int64',
};

/** A medium size for benchmarks (C = 320 as SD1.5's first level, 4 blocks). */
export const MEDIUM_UNET_CONFIG: UnetConfig = { ...TINY_UNET_CONFIG, channels: 320, blocks: 4, heads: 8, timeEmbedDim: 320 };

/** The IP settings of the StreamDiffusion-style export for the base SD1.5 adapter. */
export const SD15_IP = { tokens: 4, scales: 16 } as const;

function timestepEmbedding(b: GraphBuilder, rng: Rng, t: string, c: UnetConfig): string {
  const half = c.timeEmbedDim / 2;
  const freqs = Float32Array.from({ length: half }, (_, j) => Math.exp((-Math.log(10000) * j) / half));
  // [-1, 1] makes a rank-0, [1] or [B] timestep into [N, 1]; N broadcasts against the batch below.
  const tf = b.reshape(c.timestep === 'int64' ? b.cast(t, 'float32') : t, [-1, 1]);
  const args = b.mul(tf, b.constFloat(freqs, [1, half], 'time.freqs'));
  const feats = b.concat([b.op('Sin', [args]), b.op('Cos', [args])], 1);
  const h = b.silu(linear(b, rng, feats, { inDim: c.timeEmbedDim, outDim: c.channels, name: 'time.linear1' }));
  const emb = linear(b, rng, h, { inDim: c.channels, outDim: c.channels, name: 'time.linear2' });
  return b.reshape(emb, [-1, c.channels, 1, 1]);
}

interface BlockInputs {
  h: string;
  text: string;
  ip?: { tokens: string; scale: string; weights: { toK: Float32Array; toV: Float32Array } };
}

/** PyTorch [out, in] → ONNX MatMul [in, out]. */
function transposed(w: Float32Array, out: number, inDim: number): Float32Array {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inDim; i++) r[i * out + o] = w[o * inDim + i]!;
  return r;
}

function crossAttentionBlock(b: GraphBuilder, rng: Rng, c: UnetConfig, x: BlockInputs, name: string): string {
  const shape = b.shape(x.h);
  const tokens = b.transpose(b.reshape(x.h, [0, c.channels, -1]), [0, 2, 1]);
  const n = layerNorm(b, rng, tokens, c.channels, `${name}.norm`);
  const common = { dim: c.channels, heads: c.heads, name: `${name}.attn2` };
  let attended: string;
  if (!x.ip) {
    attended = attention(b, rng, { ...common, query: n, context: x.text, kvDim: c.crossAttentionDim });
  } else {
    const q = projectQuery(b, rng, n, common);
    const text = attention(b, rng, { ...common, query: n, context: x.text, kvDim: c.crossAttentionDim, projectedQuery: q, noOutProj: true });
    const d = c.crossAttentionDim;
    const kIp = b.matMul(x.ip.tokens, b.floatInit(transposed(x.ip.weights.toK, c.channels, d), [d, c.channels], `${name}.to_k_ip`));
    const vIp = b.matMul(x.ip.tokens, b.floatInit(transposed(x.ip.weights.toV, c.channels, d), [d, c.channels], `${name}.to_v_ip`));
    const hd = c.channels / c.heads;
    const ip = attendWith(b, rng, { ...common, q, k: splitHeads(b, kIp, c.heads, hd, true), v: splitHeads(b, vIp, c.heads, hd), noOutProj: true });
    const mixed = b.add(text, b.mul(ip, x.ip.scale));
    attended = linear(b, rng, mixed, { inDim: c.channels, outDim: c.channels, name: `${common.name}.to_out` });
  }
  const h = b.reshape(b.transpose(b.add(tokens, attended), [0, 2, 1]), shape);
  return b.add(h, conv2d(b, rng, b.silu(h), { inCh: c.channels, outCh: c.channels, kernel: 3, name: `${name}.conv` }));
}

const TIMESTEP_DIMS = { int64: ['int64', [1]], float32: ['float32', [1]], 'float32-scalar': ['float32', []] } as const;

/** `unet/model.onnx` bytes (or `unet_ip/model.onnx` when `config.ip` is set). See the module comment. */
export function buildUnet(config: UnetConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const c = config;
  if (c.ip && c.ip.scales % c.blocks !== 0) throw new Error(`UNet config: ${c.ip.scales} IP scales do not split over ${c.blocks} blocks`);
  const b = new GraphBuilder({ name: c.ip ? 'unet_ip' : 'unet', precision: options.precision });
  const rng = rngFor(seed, 'unet');
  const sample = b.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  const [tType, tDims] = TIMESTEP_DIMS[c.timestep];
  const t = b.input('timestep', tType, tDims);
  const ehs = b.input('encoder_hidden_states', 'float32', ['batch', 'sequence', c.crossAttentionDim]);
  const scales = c.ip ? b.input('ipadapter_scale', 'float32', [c.ip.scales]) : undefined;
  const end = Number.MAX_SAFE_INTEGER;
  const text = c.ip ? b.slice(ehs, [0], [-c.ip.tokens], [1]) : ehs;
  const ipTokens = c.ip ? b.slice(ehs, [-c.ip.tokens], [end], [1]) : undefined;
  let h = conv2d(b, rng, sample, { inCh: 4, outCh: c.channels, kernel: 3, name: 'conv_in' });
  h = b.add(h, timestepEmbedding(b, rng, t, c));
  for (let i = 0; i < c.blocks; i++) {
    let ip: BlockInputs['ip'];
    if (c.ip && scales && ipTokens) {
      const per = c.ip.scales / c.blocks;
      const scale = b.reduceMean(b.slice(scales, [i * per], [(i + 1) * per], [0]), [0], 0);
      const weights = ipLayerWeights(seed, { layer: i * per, channels: c.channels, crossAttentionDim: c.crossAttentionDim });
      ip = { tokens: ipTokens, scale, weights };
    }
    h = crossAttentionBlock(b, rng, c, { h, text, ip }, `block${i}`);
  }
  const out = conv2d(b, rng, b.silu(h), { inCh: c.channels, outCh: 4, kernel: 3, name: 'conv_out' });
  b.output('out_sample', out, 'float32', ['batch', 4, 'height', 'width']);
  return b.toBytes();
}
