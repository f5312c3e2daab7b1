/**
 * IPAdapterAdvanced / IPAdapter (ComfyUI_IPAdapter_plus's basic apply nodes, docs/ip-adapter-nodes.md) for the
 * base SD1.5 adapter: reference IMAGE → CLIP vision `image_embeds` → combine_embeds → the adapter's image projection
 * (cond), the same for `image_negative` or a zero embedding (uncond) → the MODEL's {@link IpAdapterPatch} with
 * per-layer scales from `weight_type` and `embeds_scaling`. The samplers do the rest as for DP-Adapter: the IP UNet
 * built from the checkpoint and this adapter, image tokens appended after the text tokens, scales inside the window.
 */
import type { ClipVision } from '../clip/clip-vision.js';
import { ipUnetPathOf } from '../sd/ip-adapter-feed.js';
import { withIpUnet } from '../sd/ldm-checkpoint.js';
import type { SessionSource } from '../sd/sessions.js';
import type { IpAdapterPatch, SdModel } from '../sd/types.js';
import type { FloatTensor, ImageBatch } from '../tensors.js';
import { combineEmbeds, rowsToSize, type CombineEmbeds } from './combine-embeds.js';
import { ensureProjectionModel, projectImageEmbeds } from './projection.js';
import { ipScaling, layerWeights } from './weight-types.js';
import type { IpAdapterWeights } from './weights.js';

/** Options of {@link applyIpAdapter}: the node's inputs. */
export interface ApplyIpAdapterOptions {
  readonly model: SdModel;
  readonly adapter: IpAdapterWeights;
  readonly clipVision: ClipVision;
  /** Reference images [N, H, W, 3]. */
  readonly image: ImageBatch;
  readonly imageNegative?: ImageBatch;
  /** −1 … 5 as IPAdapterAdvanced; 0 returns the model unpatched. */
  readonly weight: number;
  readonly weightType: string;
  readonly combineEmbeds: CombineEmbeds;
  /** Fractions 0 … 1 of the schedule, startAt ≤ endAt. */
  readonly startAt: number;
  readonly endAt: number;
  readonly embedsScaling: string;
  readonly sessions: SessionSource;
  /** Where the projection ONNX model is cached (DataDirs.cache). */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

function checkWindow(o: ApplyIpAdapterOptions): void {
  if (!(o.startAt >= 0 && o.endAt <= 1 && o.startAt <= o.endAt)) {
    throw new Error(`IPAdapter: start_at ${o.startAt} and end_at ${o.endAt} must satisfy 0 ≤ start_at ≤ end_at ≤ 1`);
  }
}

/** The CLIP `image_embeds` of a batch, checked against the width the adapter projects. */
async function imageEmbeds(o: ApplyIpAdapterOptions, image: ImageBatch): Promise<FloatTensor> {
  // IPAdapter_plus encodes with ComfyUI's clip_preprocess at its default, a centre crop.
  const embeds = (await o.clipVision.encode(image, { crop: 'center', signal: o.signal })).image_embeds;
  const d = embeds.dims.at(-1);
  if (d !== o.adapter.imageEmbedDim) {
    throw new Error(
      `IPAdapter: CLIP vision "${o.clipVision.name}" gives ${d}-d image_embeds but ${o.adapter.name} projects ${o.adapter.imageEmbedDim}-d ` +
        'ones: ip-adapter_sd15 needs the ViT-H/14 encoder (CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors)',
    );
  }
  return embeds;
}

/** [N, tokens, C] → [1, N·tokens, C]: "concat" gives every image its own tokens, side by side. */
function asOneRow(t: FloatTensor): FloatTensor {
  const [n, k, c] = t.dims as [number, number, number];
  return { data: t.data, dims: [1, n * k, c] };
}

function scaled(t: FloatTensor, s: number): FloatTensor {
  return s === 1 ? t : { data: t.data.map((v) => v * s), dims: t.dims };
}

/** The cond and uncond image tokens, [1, 4·N, C] each (N = 1 unless "concat" keeps several images). */
async function imageTokens(o: ApplyIpAdapterOptions): Promise<{ cond: FloatTensor; uncond: FloatTensor }> {
  const pos = await imageEmbeds(o, o.image);
  const n = pos.dims[0]!;
  const neg = o.imageNegative ? await imageEmbeds(o, o.imageNegative) : { data: new Float32Array(pos.data.length), dims: pos.dims };
  const cond = combineEmbeds(pos, o.combineEmbeds);
  // IPAdapter_plus sizes the uncond batch to the images, then keeps its first row when the images were combined.
  const negRows = rowsToSize(neg, n);
  const uncond = cond.dims[0] === n ? negRows : rowsToSize(negRows, 1);
  const modelFile = ensureProjectionModel(o.adapter, o.cacheDir);
  const project = async (embeds: FloatTensor) => asOneRow(await projectImageEmbeds({ sessions: o.sessions, modelFile, embeds, signal: o.signal }));
  return { cond: await project(cond), uncond: await project(uncond) };
}

/**
 * The MODEL with the IP-Adapter patch (replacing any earlier one).
 * @throws on an unsupported weight_type or embeds_scaling, a window outside 0 ≤ start ≤ end ≤ 1, an encoder whose
 *   width the adapter cannot take, or a checkpoint without an IP-capable UNet
 */
export async function applyIpAdapter(o: ApplyIpAdapterOptions): Promise<SdModel> {
  checkWindow(o);
  const { layerScales, tokenScale } = ipScaling(layerWeights(o.weightType, o.weight), o.embedsScaling);
  const images = o.combineEmbeds === 'concat' ? o.image.dims[0] : 1;
  if (images > 1 && !o.model.conversionDir) {
    throw new Error(`IPAdapter: combine_embeds "concat" of ${images} images needs ${4 * images} image tokens, but an ONNX checkpoint's unet_ip/ takes 4: use "average"`);
  }
  const model = await withIpUnet(o.model, { file: o.adapter.file, tokens: o.adapter.tokens * images }, o.signal);
  ipUnetPathOf({ ...model, ipAdapter: undefined }); // fail early, even at weight 0, so a graph errs the same way at every weight
  // IPAdapter_plus skips a layer whose weight is 0; all of them at 0 is the plain UNet, bit for bit.
  if (layerScales.every((w) => w === 0)) return { ...model, ipAdapter: undefined };
  const tokens = await imageTokens(o);
  const ipAdapter: IpAdapterPatch = {
    cond: scaled(tokens.cond, tokenScale),
    uncond: scaled(tokens.uncond, tokenScale),
    weight: o.weight,
    layerScales: Array.from(layerScales),
    startAt: o.startAt,
    endAt: o.endAt,
    mode: `IPAdapter ${o.weightType}, ${o.embedsScaling}`,
  };
  return { ...model, ipAdapter };
}
