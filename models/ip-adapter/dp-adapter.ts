/**
 * DP-Adapter (docs/declip-iqa.md): IP-Adapter for SD1.5 with the CLIP image embedding replaced by a DeCLIP part, no
 * retraining. This module turns (MODEL, IPADAPTER, EMBEDS, mode, weight, window) into the MODEL's
 * {@link IpAdapterPatch}; the SD samplers consume it (IP-capable UNet, image tokens appended after the text tokens,
 * `ipadapter_scale` = weight inside the window, see `models/sd/ip-adapter-feed.ts`).
 *
 * - cond tokens = projection of the chosen embedding part;
 * - uncond tokens = projection of a ZERO embedding (docs/model-folders.md: LayerNorm of the bias, not a zero tensor);
 * - both are computed here, once per run, on onnxruntime.
 */
import type { EmbedPart, ImageEmbeds } from '../declip/types.js';
import { embedPart } from '../declip/types.js';
import { ipUnetPathOf } from '../sd/ip-adapter-feed.js';
import { withIpUnet } from '../sd/ldm-checkpoint.js';
import type { SessionSource } from '../sd/sessions.js';
import type { IpAdapterPatch, SdModel } from '../sd/types.js';
import type { FloatTensor } from '../tensors.js';
import { ensureProjectionModel, projectImageEmbeds } from './projection.js';
import type { IpAdapterWeights } from './weights.js';

/** The three conditions of the node (docs/declip-iqa.md): which image embedding drives the image tokens. */
export const DP_ADAPTER_MODES = ['perceptual image + semantic text', 'semantic image + perceptual text', 'raw CLIP image'] as const;
/** One of {@link DP_ADAPTER_MODES}. */
export type DpAdapterMode = (typeof DP_ADAPTER_MODES)[number];

/** The EMBEDS part each mode projects: f_I(p), f_I(s), or plain CLIP f_I (IP-Adapter as published). */
export const MODE_EMBED_PART: Readonly<Record<DpAdapterMode, EmbedPart>> = {
  'perceptual image + semantic text': 'perceptual',
  'semantic image + perceptual text': 'semantic',
  'raw CLIP image': 'raw',
};

/** Options of {@link applyDpAdapter}. */
export interface DpAdapterOptions {
  readonly model: SdModel;
  readonly adapter: IpAdapterWeights;
  readonly embeds: ImageEmbeds;
  readonly mode: DpAdapterMode;
  /** Scale of the decoupled image attention, ≥ 0; 0 returns the model unpatched. */
  readonly weight: number;
  /** Fractions 0 … 1 of the schedule, startAt ≤ endAt. */
  readonly startAt: number;
  readonly endAt: number;
  readonly sessions: SessionSource;
  /** Where the projection ONNX model is cached (DataDirs.cache). */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/** Mean over the batch: [B, d] → [1, d] (several reference images give one look, as cubiq's "average"). */
export function meanEmbedding(t: FloatTensor): FloatTensor {
  const [b, d] = t.dims as [number, number];
  if (b === 1) return t;
  const out = new Float32Array(d);
  for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) out[j] += t.data[i * d + j]! / b;
  return { data: out, dims: [1, d] };
}

function checkOptions(o: DpAdapterOptions): void {
  if (!(o.weight >= 0)) throw new Error(`DPAdapterApply: weight must be ≥ 0, got ${o.weight}`);
  if (!(o.startAt >= 0 && o.endAt <= 1 && o.startAt <= o.endAt)) {
    throw new Error(`DPAdapterApply: start_at ${o.startAt} and end_at ${o.endAt} must satisfy 0 ≤ start_at ≤ end_at ≤ 1`);
  }
  if (!(DP_ADAPTER_MODES as readonly string[]).includes(o.mode)) {
    throw new Error(`DPAdapterApply: unknown mode "${o.mode}" (expected one of: ${DP_ADAPTER_MODES.join(' | ')})`);
  }
  if (o.embeds.dim !== o.adapter.imageEmbedDim) {
    throw new Error(
      `DPAdapterApply: the EMBEDS are ${o.embeds.dim}-d (${o.embeds.modelKey}) but ${o.adapter.name} projects ${o.adapter.imageEmbedDim}-d ` +
        'OpenCLIP ViT-H/14 embeddings: encode the image with a ViT-H DeCLIP (e.g. the tiny-clip-h set, or a real ViT-H/14 CLIP)',
    );
  }
}

/** Projects one embedding part and the zero embedding: the cond and uncond image tokens, [1, tokens, C] each. */
export async function projectDpTokens(o: Omit<DpAdapterOptions, 'model' | 'weight' | 'startAt' | 'endAt'>): Promise<{ cond: FloatTensor; uncond: FloatTensor }> {
  const modelFile = ensureProjectionModel(o.adapter, o.cacheDir);
  const part = meanEmbedding(embedPart(o.embeds, MODE_EMBED_PART[o.mode]));
  const zero: FloatTensor = { data: new Float32Array(o.adapter.imageEmbedDim), dims: [1, o.adapter.imageEmbedDim] };
  const run = (embeds: FloatTensor) => projectImageEmbeds({ sessions: o.sessions, modelFile, embeds, signal: o.signal });
  return { cond: await run(part), uncond: await run(zero) };
}

/**
 * The MODEL with its DP-Adapter patch (replacing any earlier one).
 * @throws when the checkpoint has no IP-capable UNet (naming StreamDiffusion's UNet+IP-Adapter export), on an
 *   embedding width the adapter cannot take, or on a window outside 0 ≤ start ≤ end ≤ 1
 */
export async function applyDpAdapter(o: DpAdapterOptions): Promise<SdModel> {
  checkOptions(o);
  // A converted .safetensors checkpoint gets its IP UNet built from this adapter's to_k_ip/to_v_ip.
  const model = await withIpUnet(o.model, o.adapter, o.signal);
  ipUnetPathOf({ ...model, ipAdapter: undefined }); // fail early, even at weight 0, so a graph errs the same way at every weight
  // Weight 0 disables the adapter for every step: the plain UNet runs, identical bit for bit to no adapter.
  if (o.weight === 0) return { ...model, ipAdapter: undefined };
  const { cond, uncond } = await projectDpTokens(o);
  const ipAdapter: IpAdapterPatch = { cond, uncond, weight: o.weight, startAt: o.startAt, endAt: o.endAt, mode: o.mode };
  return { ...model, ipAdapter };
}
