/**
 * The frozen CLIP encoders E_I and E_T behind one small interface, with an implementation per ONNX layout
 * (docs/model-folders.md): the split `vision_model.onnx` + `text_model.onnx`, and the optimum full `model.onnx`, whose single
 * session needs every input on every run (the other tower gets a minimal dummy input).
 */
import type { ModelSession } from '../onnx/model-session.js';
import type { SessionPool } from '../onnx/session-pool.js';
import { floatOutput, type HostTensor } from '../onnx/tensor-types.js';
import type { ClipManifest } from '../store/manifests.js';
import type { TokenBatch } from '../tokenizers/clip-bpe.js';
import { convertClipFileOffThread } from '../off-thread/conversions.js';
import type { FloatTensor } from '../tensors.js';

/**
 * Which ONNX files a CLIP folder is run from (docs/model-folders.md): `split` = vision_model.onnx +
 * text_model.onnx, `full` = optimum's single model.onnx. The one declaration of the layout names.
 */
export const CLIP_LAYOUTS = ['split', 'full'] as const;
export type ClipLayout = (typeof CLIP_LAYOUTS)[number];

/** A layout to open, or `auto`: the split files when the folder has them, else the full model. */
export const CLIP_LAYOUT_CHOICES = ['auto', ...CLIP_LAYOUTS] as const;
export type ClipLayoutChoice = (typeof CLIP_LAYOUT_CHOICES)[number];

/** CLIP's two encoders. */
export interface ClipTowers {
  readonly layout: ClipLayout;
  /** Files the sessions were made from (for keys and messages). */
  readonly files: readonly string[];
  /** Embedding width d when the model declares it, else undefined until the first run. */
  readonly embedDim: number | undefined;
  /**
   * pixel_values [B, 3, S, S] → image_embeds [B, d]. With `transfer`, the pixel buffer moves to the inference
   * worker instead of being copied and is detached afterwards: only for buffers the caller owns whole.
   */
  encodeImage(pixels: FloatTensor, signal?: AbortSignal, transfer?: boolean): Promise<FloatTensor>;
  /** Token ids [N, L] → text_embeds [N, d]. */
  encodeText(tokens: TokenBatch, signal?: AbortSignal): Promise<FloatTensor>;
}

/** Options of {@link openClipTowers}. */
export interface OpenTowersOptions {
  readonly pool: SessionPool;
  readonly manifest: ClipManifest;
  /** 'auto' (default) takes the split files when the folder has them, else the full model. */
  readonly layout?: ClipLayoutChoice;
  /** Token ids of the dummy text fed to a full model when encoding images: [bos, eos]. */
  readonly dummyText: readonly [number, number];
  /** Side of the dummy image fed to a full model when encoding text, when the model does not declare it. */
  readonly imageSize: number;
  /** `<data>/cache`: where a `.safetensors` CLIP is converted (needed for those). */
  readonly cacheDir?: string;
  readonly signal?: AbortSignal;
}

/**
 * Opens the sessions of the chosen layout.
 * @throws Error naming the folder when the chosen layout's files are absent
 */
export async function openClipTowers(o: OpenTowersOptions): Promise<ClipTowers> {
  const { manifest: m } = o;
  if (m.safetensors) return safetensorsTowers(o);
  const layout = o.layout === 'auto' || o.layout === undefined ? (m.vision && m.text ? 'split' : 'full') : o.layout;
  if (layout === 'split') {
    if (!m.vision || !m.text) throw new Error(`CLIP ${m.name}: the split layout needs vision_model.onnx and text_model.onnx in ${m.dir}`);
    const [vision, text] = await Promise.all([o.pool.get(m.vision.model), o.pool.get(m.text.model)]);
    return splitTowers(vision, text);
  }
  if (!m.full) throw new Error(`CLIP ${m.name}: the full layout needs model.onnx in ${m.dir}`);
  return fullTowers(await o.pool.get(m.full.model), o);
}

/** Converts a `.safetensors` CLIP (cached) and opens its towers, which have the split signature. */
async function safetensorsTowers(o: OpenTowersOptions): Promise<ClipTowers> {
  const st = o.manifest.safetensors!;
  if (o.layout === 'full') {
    throw new Error(`CLIP ${o.manifest.name} is a .safetensors (${st.file}): it is converted to the split towers; choose layout auto or split (full is optimum's model.onnx)`);
  }
  if (!o.cacheDir) throw new Error(`CLIP ${o.manifest.name}: a .safetensors CLIP needs a cache folder to be converted into`);
  const c = await convertClipFileOffThread({ file: st.file, cacheDir: o.cacheDir, config: st.config, signal: o.signal });
  if (!c.vision || !c.text) throw new Error(`${st.file}: CLIP needs both towers; this file has ${c.vision ? 'only the image tower' : 'only the text tower'}`);
  const [vision, text] = await Promise.all([o.pool.get(c.vision.model), o.pool.get(c.text.model)]);
  return splitTowers(vision, text);
}

/** The declared last dim of an output, when numeric. */
function declaredDim(session: ModelSession, output: string): number | undefined {
  const last = session.outputs.find((t) => t.name === output)?.shape.at(-1);
  return typeof last === 'number' ? last : undefined;
}

function idsTensor(tokens: TokenBatch): HostTensor {
  return { data: tokens.ids, dims: tokens.dims };
}

/** attention_mask: 1 up to and including each row's eos, 0 over the padding. */
function attentionMask(tokens: TokenBatch): HostTensor {
  const [n, l] = tokens.dims;
  const mask = new Int32Array(n * l);
  tokens.eosIndex.forEach((eos, row) => mask.fill(1, row * l, row * l + eos + 1));
  return { data: mask, dims: tokens.dims };
}

/** Feeds only what the session declares (optional attention_mask), so either export shape works. */
function declaredFeeds(session: ModelSession, feeds: Record<string, HostTensor>): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const meta of session.inputs) {
    const feed = feeds[meta.name];
    if (!feed) {
      throw new Error(`${session.file}: input "${meta.name}" is not one a CLIP encoder takes (pixel_values, input_ids, attention_mask)`);
    }
    out[meta.name] = feed;
  }
  return out;
}

function splitTowers(vision: ModelSession, text: ModelSession): ClipTowers {
  return {
    layout: 'split',
    files: [vision.file, text.file],
    embedDim: declaredDim(vision, 'image_embeds') ?? declaredDim(text, 'text_embeds'),
    async encodeImage(pixels, signal, transfer) {
      const out = await vision.run(declaredFeeds(vision, { pixel_values: pixels }), { signal, transferInputs: transfer });
      return floatOutput(out, 'image_embeds', vision.file);
    },
    async encodeText(tokens, signal) {
      const feeds = declaredFeeds(text, { input_ids: idsTensor(tokens), attention_mask: attentionMask(tokens) });
      return floatOutput(await text.run(feeds, { signal }), 'text_embeds', text.file);
    },
  };
}

function fullTowers(full: ModelSession, o: OpenTowersOptions): ClipTowers {
  const declared = full.input('pixel_values')?.shape.at(-1);
  const side = typeof declared === 'number' ? declared : o.imageSize;
  // Built per call: a transferred feed is detached, so no buffer may be shared between runs.
  const dummyTokens = (): TokenBatch => ({ ids: Int32Array.from(o.dummyText), dims: [1, 2], eosIndex: [1] });
  return {
    layout: 'full',
    files: [full.file],
    embedDim: declaredDim(full, 'image_embeds'),
    async encodeImage(pixels, signal, transfer) {
      const tokens = dummyTokens();
      const feeds = { pixel_values: pixels, input_ids: idsTensor(tokens), attention_mask: attentionMask(tokens) };
      return floatOutput(await full.run(declaredFeeds(full, feeds), { signal, transferInputs: transfer }), 'image_embeds', full.file);
    },
    async encodeText(tokens, signal) {
      const pixels = { data: new Float32Array(3 * side * side), dims: [1, 3, side, side] };
      const feeds = { pixel_values: pixels, input_ids: idsTensor(tokens), attention_mask: attentionMask(tokens) };
      return floatOutput(await full.run(declaredFeeds(full, feeds), { signal }), 'text_embeds', full.file);
    },
  };
}
