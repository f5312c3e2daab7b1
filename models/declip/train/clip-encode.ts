/**
 * Frozen CLIP encoders for the embedding cache: images → image embeddings [N,P] and texts → text embeddings [N,P].
 * A thin layer over the towers DeCLIPLoader runs ({@link openClipTowers}), so training and inference feed the split
 * (`vision_model.onnx` + `text_model.onnx`) and the optimum full `model.onnx` layouts the same way; this layer only
 * tokenizes the texts and hands back the flat embedding buffers.
 */
import type { SessionPool } from '../../onnx/session-pool.js';
import type { ClipImageProcessor } from '../../processors/clip-image.js';
import type { ClipTokenizer } from '../../tokenizers/clip-bpe.js';
import type { ClipManifest } from '../../store/manifests.js';
import type { FloatTensor } from '../../tensors.js';
import { openClipTowers } from '../../clip/clip-towers.js';

/** Both towers of one CLIP model. */
export interface ClipEncoders {
  /** pixel_values [N,3,S,S] (normalised, from the processor) → image_embeds [N,P]. */
  encodePixels(pixels: FloatTensor, signal?: AbortSignal): Promise<Float32Array>;
  /** Texts → text_embeds [N,P]. */
  encodeTexts(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array>;
}

/** Opens the encoders of a CLIP folder manifest in the pool (split layout when the folder has it, else full). */
export async function openClipEncoders(o: {
  pool: SessionPool; manifest: ClipManifest; tokenizer: ClipTokenizer; processor: ClipImageProcessor;
  /** `<data>/cache`, for a `.safetensors` CLIP. */
  cacheDir?: string;
}): Promise<ClipEncoders> {
  const { tokenizer } = o;
  const towers = await openClipTowers({
    pool: o.pool,
    manifest: o.manifest,
    dummyText: [tokenizer.bosId, tokenizer.eosId],
    imageSize: o.processor.config.crop?.height ?? 224,
    cacheDir: o.cacheDir,
  });
  return {
    encodePixels: async (pixels, signal) => (await towers.encodeImage(pixels, signal)).data,
    encodeTexts: async (texts, signal) => (await towers.encodeText(tokenizer.encodeBatch(texts), signal)).data,
  };
}
