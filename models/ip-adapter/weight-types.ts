/**
 * Per-layer weights of ComfyUI_IPAdapter_plus's `weight_type` and `embeds_scaling` (docs/ip-adapter-nodes.md), for
 * the 16 attn2 layers of SD1.5, turned into what our IP UNet takes: the `ipadapter_scale` [16] vector (in the
 * adapter's key order k = 1, 3, …, 31: 6 input layers, 9 output layers, the middle layer) and one factor on the
 * image tokens.
 *
 * IPAdapter_plus indexes its per-layer rules by ComfyUI's `transformer_index`, which counts the transformers in
 * forward order: input 0–5, middle 6, output 7–15. Its adapter keys go input, output, middle, so the middle layer is
 * key slot 15 but transformer index 6.
 *
 * `embeds_scaling`: "V only" scales the image attention's output (our scale vector). "K+V" scales the image keys and
 * values; to_k_ip and to_v_ip have no bias, so that is the same as scaling the image tokens, which works when every
 * active layer has the same weight. The C-penalty variants scale by each layer's width and are refused.
 */

/** IPAdapter_plus's WEIGHT_TYPES, in its order (IPAdapterAdvanced's combo). */
export const IPADAPTER_WEIGHT_TYPES = [
  'linear', 'ease in', 'ease out', 'ease in-out', 'reverse in-out', 'weak input', 'weak output', 'weak middle', 'strong middle',
  'style transfer', 'composition', 'strong style transfer', 'style and composition', 'style transfer precise', 'composition precise',
] as const;
export type IpAdapterWeightType = (typeof IPADAPTER_WEIGHT_TYPES)[number];

/** The weight types of the simple `IPAdapter` node and what each stands for (IPAdapter_plus's IPAdapterSimple). */
export const SIMPLE_WEIGHT_TYPES = {
  standard: 'linear',
  'prompt is more important': 'ease out',
  'style transfer': 'style transfer',
} as const satisfies Record<string, IpAdapterWeightType>;

/** IPAdapterAdvanced's `embeds_scaling` choices. */
export const EMBEDS_SCALINGS = ['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty'] as const;
export type EmbedsScaling = (typeof EMBEDS_SCALINGS)[number];

/**
 * Weight types that replace the cond tokens by the uncond ones in some layers: our IP UNet takes one set of image
 * tokens for all layers, so these are refused.
 */
const PER_LAYER_TOKEN_TYPES: readonly IpAdapterWeightType[] = ['style transfer precise', 'composition precise'];

type Block = 'input' | 'middle' | 'output';

/** SD1.5's 16 IP layers in key order, with the block each sits in and its ComfyUI transformer index. */
const SD15_LAYERS: readonly { readonly block: Block; readonly t: number }[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ block: 'input' as const, t: i })),
  ...Array.from({ length: 9 }, (_, i) => ({ block: 'output' as const, t: 7 + i })),
  { block: 'middle', t: 6 },
];

/** Number of IP layers the weight types are defined for (SD1.5). */
export const IP_LAYERS = SD15_LAYERS.length;

/** Transformer indices with weight `w` and, for the composition layers 4 and 5, `c`·{0.25, 1}. */
const STYLE_LAYERS = [0, 1, 2, 3, 9, 10, 11, 12, 13, 14, 15];
const STRONG_STYLE_LAYERS = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

function byTransformerIndex(type: IpAdapterWeightType, w: number, composition: number): ReadonlyMap<number, number> | undefined {
  const only = (ts: readonly number[], v: number) => new Map(ts.map((t) => [t, v] as const));
  switch (type) {
    case 'style transfer': return only(STYLE_LAYERS, w);
    case 'composition': return new Map([[4, 0.25 * w], [5, w]]);
    case 'strong style transfer': return only(STRONG_STYLE_LAYERS, w);
    case 'style and composition': return new Map([...only(STYLE_LAYERS, w), [4, 0.25 * composition], [5, composition]]);
    default: return undefined;
  }
}

function layerWeight(type: IpAdapterWeightType, w: number, l: { block: Block; t: number }): number {
  const n = IP_LAYERS;
  const half = n / 2;
  switch (type) {
    case 'ease in': return w * (0.05 + 0.95 * (1 - l.t / n));
    case 'ease out': return w * (0.05 + 0.95 * (l.t / n));
    case 'ease in-out': return w * (0.05 + 0.95 * (1 - Math.abs(l.t - half) / half));
    case 'reverse in-out': return w * (0.05 + 0.95 * (Math.abs(l.t - half) / half));
    case 'weak input': return l.block === 'input' ? w * 0.2 : w;
    case 'weak middle': return l.block === 'middle' ? w * 0.2 : w;
    case 'weak output': return l.block === 'output' ? w * 0.2 : w;
    case 'strong middle': return l.block === 'middle' ? w : w * 0.2;
    default: return w;
  }
}

/** Why a weight type cannot run here, or undefined when it can. */
export function weightTypeProblem(type: string): string | undefined {
  if (!(IPADAPTER_WEIGHT_TYPES as readonly string[]).includes(type)) {
    return `unknown weight_type "${type}" (expected one of: ${IPADAPTER_WEIGHT_TYPES.join(', ')})`;
  }
  if (PER_LAYER_TOKEN_TYPES.includes(type as IpAdapterWeightType)) {
    return `weight_type "${type}" swaps the image tokens per layer, which this IP UNet (one set of image tokens for all 16 layers) cannot do; use "style transfer" or "composition"`;
  }
  return undefined;
}

/**
 * The weight of each of the 16 IP layers, in key order, for `weight_type` at `weight` (IPAdapter_plus's rules;
 * `composition` is IPAdapterAdvanced's weight_composition, 1.0).
 * @throws on a weight type {@link weightTypeProblem} refuses
 */
export function layerWeights(type: string, weight: number, composition = 1): Float32Array {
  const problem = weightTypeProblem(type);
  if (problem) throw new Error(problem);
  const t = type as IpAdapterWeightType;
  const table = byTransformerIndex(t, weight, composition);
  return Float32Array.from(SD15_LAYERS, (l) => (table ? table.get(l.t) ?? 0 : layerWeight(t, weight, l)));
}

/** What the sampler feeds: the per-layer scale vector and the factor on the image tokens (cond and uncond). */
export interface IpScaling {
  readonly layerScales: Float32Array;
  readonly tokenScale: number;
}

/**
 * Turns per-layer weights and an `embeds_scaling` into the IP UNet's feed.
 * @throws for the C-penalty variants, and for "K+V" when the active layers do not share one weight
 */
export function ipScaling(weights: Float32Array, scaling: string): IpScaling {
  if (scaling === 'V only') return { layerScales: weights, tokenScale: 1 };
  if (scaling === 'K+V') {
    const active = [...new Set(Array.from(weights).filter((w) => w !== 0))];
    if (active.length === 0) return { layerScales: weights, tokenScale: 1 };
    if (active.length > 1) {
      throw new Error(`embeds_scaling "K+V" needs one weight on every active layer, but this weight_type gives ${active.length} different weights; use "V only"`);
    }
    return { layerScales: weights.map((w) => (w === 0 ? 0 : 1)), tokenScale: active[0]! };
  }
  if ((EMBEDS_SCALINGS as readonly string[]).includes(scaling)) {
    throw new Error(`embeds_scaling "${scaling}" scales each layer by its width inside the attention, which this IP UNet cannot do; use "V only" or "K+V"`);
  }
  throw new Error(`unknown embeds_scaling "${scaling}" (expected one of: ${EMBEDS_SCALINGS.join(', ')})`);
}
