/**
 * Frozen CLIP encoders for the embedding cache, over the session pool: images → image embeddings [N,P] and texts
 * → text embeddings [N,P]. Works with the split layout (`vision_model.onnx`, `text_model.onnx`) and with the
 * optimum full `model.onnx` (fed a one-item dummy for the tower it does not need).
 */
import type { ModelSession } from '../../onnx/model-session.js';
import type { SessionPool } from '../../onnx/session-pool.js';
import { floatOutput, type HostTensor } from '../../onnx/tensor-types.js';
import type { ClipImageProcessor } from '../../processors/clip-image.js';
import type { ClipTokenizer } from '../../tokenizers/clip-bpe.js';
import type { ClipManifest } from '../../store/manifests.js';

/** Both towers of one CLIP model. */
export interface ClipEncoders {
  /** pixel_values [N,3,S,S] (normalised, from the processor) → image_embeds [N,P]. */
  encodePixels(pixels: HostTensor, signal?: AbortSignal): Promise<Float32Array>;
  /** Texts → text_embeds [N,P]. */
  encodeTexts(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array>;
}

function outputOf(out: Awaited<ReturnType<ModelSession['run']>>, name: string, file: string): Float32Array {
  return floatOutput(out, out[name] ? name : Object.keys(out)[0]!, file).data;
}

/** Feeds of the text side: input_ids plus attention_mask (1 up to eos, 0 on padding) when the model takes one. */
function textFeeds(session: ModelSession, tokenizer: ClipTokenizer, texts: readonly string[]): Record<string, HostTensor> {
  const batch = tokenizer.encodeBatch(texts);
  const feeds: Record<string, HostTensor> = { input_ids: { data: batch.ids, dims: batch.dims } };
  if (session.input('attention_mask')) {
    const [b, t] = batch.dims;
    const mask = new Int32Array(b * t);
    batch.eosIndex.forEach((eos, i) => mask.fill(1, i * t, i * t + eos + 1));
    feeds.attention_mask = { data: mask, dims: batch.dims };
  }
  return feeds;
}

/** Opens the encoders of a CLIP folder manifest in the pool. */
export async function openClipEncoders(o: { pool: SessionPool; manifest: ClipManifest; tokenizer: ClipTokenizer; processor: ClipImageProcessor }): Promise<ClipEncoders> {
  const { manifest, tokenizer } = o;
  if (manifest.vision && manifest.text) {
    const [vision, text] = await Promise.all([o.pool.get(manifest.vision.model), o.pool.get(manifest.text.model)]);
    return {
      encodePixels: async (pixels, signal) => outputOf(await vision.run({ pixel_values: pixels }, { signal }), 'image_embeds', vision.file),
      encodeTexts: async (texts, signal) => outputOf(await text.run(textFeeds(text, tokenizer, texts), { signal }), 'text_embeds', text.file),
    };
  }
  if (!manifest.full) throw new Error(`CLIP model ${manifest.name}: neither split towers nor model.onnx found`);
  const full = await o.pool.get(manifest.full.model);
  const crop = o.processor.config.crop ?? { height: 224, width: 224 };
  const dummyPixels = { data: new Float32Array(3 * crop.height * crop.width), dims: [1, 3, crop.height, crop.width] };
  return {
    encodePixels: async (pixels, signal) =>
      floatOutput(await full.run({ ...textFeeds(full, tokenizer, ['']), pixel_values: pixels }, { signal }), 'image_embeds', full.file).data,
    encodeTexts: async (texts, signal) =>
      floatOutput(await full.run({ ...textFeeds(full, tokenizer, texts), pixel_values: dummyPixels }, { signal }), 'text_embeds', full.file).data,
  };
}
