/**
 * The block structure of an LDM `UNetModel` (CompVis/ComfyUI `openaimodel.py`), read from a checkpoint's keys and
 * shapes under `model.diffusion_model.`: which input/middle/output block holds a ResBlock, a SpatialTransformer,
 * a down- or up-sampler, with their channel counts. Nothing is assumed about widths, so a tiny checkpoint with
 * SD1.5's block structure converts like the real one (docs/ldm-checkpoints.md). Heads are not stored in the
 * weights: SD1.5 uses 8 (`num_heads: 8`), which {@link SD15_UNET_HEADS} fixes.
 */
import type { WeightPlan } from '../weights/weight-plan.js';

/** The UNet's key prefix in a single-file checkpoint. */
export const UNET_PREFIX = 'model.diffusion_model.';

/** SD1.5's attention heads per SpatialTransformer (`num_heads: 8` in v1-inference.yaml). */
export const SD15_UNET_HEADS = 8;

/** One sub-module of a UNet block, in execution order. */
export type UnetLayer =
  | { readonly kind: 'res'; readonly key: string; readonly inCh: number; readonly outCh: number; readonly skipConv: boolean }
  | { readonly kind: 'attn'; readonly key: string; readonly ch: number; readonly depth: number; readonly linearProj: boolean }
  | { readonly kind: 'down'; readonly key: string; readonly ch: number }
  | { readonly kind: 'up'; readonly key: string; readonly ch: number };

/** What the weights say about the UNet. */
export interface LdmUnetStructure {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modelChannels: number;
  /** `time_embed.0`'s output width (4 × model channels in SD1.5). */
  readonly timeEmbedDim: number;
  /** Width of the cross-attention context (768 for SD1.5's CLIP ViT-L/14). */
  readonly contextDim: number;
  readonly heads: number;
  /** `input_blocks.*`; block 0 is conv_in and not listed. */
  readonly input: readonly (readonly UnetLayer[])[];
  readonly middle: readonly UnetLayer[];
  readonly output: readonly (readonly UnetLayer[])[];
}

function blockCount(w: WeightPlan, keys: readonly string[], prefix: string): number {
  let n = 0;
  while (keys.some((k) => k.startsWith(`${prefix}${n}.`))) n++;
  return n;
}

/** The layers at `<key>.<j>` for j = 0, 1, 2, ... */
function layersOf(w: WeightPlan, keys: readonly string[], key: string): UnetLayer[] {
  const layers: UnetLayer[] = [];
  for (let j = 0; keys.some((k) => k.startsWith(`${key}.${j}.`)); j++) {
    const at = `${key}.${j}`;
    if (w.has(`${at}.in_layers.2.weight`)) {
      const [outCh, inCh] = w.shape(`${at}.in_layers.2.weight`) as [number, number];
      layers.push({ kind: 'res', key: at, inCh, outCh, skipConv: w.has(`${at}.skip_connection.weight`) });
    } else if (w.has(`${at}.proj_in.weight`)) {
      const ch = w.shape(`${at}.proj_in.weight`)[0]!;
      layers.push({ kind: 'attn', key: at, ch, depth: blockCount(w, keys, `${at}.transformer_blocks.`), linearProj: w.shape(`${at}.proj_in.weight`).length === 2 });
    } else if (w.has(`${at}.op.weight`)) {
      layers.push({ kind: 'down', key: at, ch: w.shape(`${at}.op.weight`)[0]! });
    } else if (w.has(`${at}.conv.weight`)) {
      layers.push({ kind: 'up', key: at, ch: w.shape(`${at}.conv.weight`)[0]! });
    } else {
      throw new Error(`${at}: not a ResBlock, SpatialTransformer, Downsample or Upsample (unknown UNet layer)`);
    }
  }
  return layers;
}

/**
 * Reads the structure from the checkpoint's UNet keys; `heads` comes from a diffusers unet/config.json when there is one.
 * @throws WeightKeyError when a key every LDM UNet has is missing
 */
export function readUnetStructure(w: WeightPlan, allKeys: readonly string[], heads = SD15_UNET_HEADS): LdmUnetStructure {
  const p = UNET_PREFIX;
  const keys = allKeys.filter((k) => k.startsWith(p));
  const [modelChannels, inChannels] = w.shape(`${p}input_blocks.0.0.weight`) as [number, number];
  const outChannels = w.shape(`${p}out.2.weight`)[0]!;
  const timeEmbedDim = w.shape(`${p}time_embed.0.weight`)[0]!;
  const nIn = blockCount(w, keys, `${p}input_blocks.`);
  const nOut = blockCount(w, keys, `${p}output_blocks.`);
  const input = Array.from({ length: nIn - 1 }, (_, i) => layersOf(w, keys, `${p}input_blocks.${i + 1}`));
  const middle = layersOf(w, keys, `${p}middle_block`);
  const output = Array.from({ length: nOut }, (_, i) => layersOf(w, keys, `${p}output_blocks.${i}`));
  const firstAttn = [...input.flat(), ...middle].find((l) => l.kind === 'attn');
  const contextKey = firstAttn ? `${firstAttn.key}.transformer_blocks.0.attn2.to_k.weight` : undefined;
  const contextDim = contextKey ? w.shape(contextKey)[1]! : 768;
  return { inChannels, outChannels, modelChannels, timeEmbedDim, contextDim, heads, input, middle, output };
}

/** The cross-attention (attn2) layers in IP-Adapter's order: input blocks, output blocks, then the middle block. */
export function crossAttentionLayers(s: LdmUnetStructure): { key: string; ch: number }[] {
  const attns = (ls: readonly UnetLayer[]) =>
    ls.flatMap((l) => (l.kind === 'attn' ? Array.from({ length: l.depth }, (_, d) => ({ key: `${l.key}.transformer_blocks.${d}.attn2`, ch: l.ch })) : []));
  return [...s.input.flatMap(attns), ...s.output.flatMap(attns), ...attns(s.middle)];
}
