/**
 * What SaveImage and PreviewImage share: the hidden prompt/workflow inputs and the run that writes the IMAGE
 * batch as PNG files (prompt and workflow embedded as tEXt chunks) and lists them in `ui.images`.
 */
import type { NodeCtx, NodeResult } from '../define-node.js';
import { saveImageBatch } from '../../models/image/save-images.js';
import type { ImageBatch } from '../../models/tensors.js';
import { stringifyJson } from '../../server/protocol/json-codec.js';

/** The hidden inputs of an image output node: the API prompt and the extra PNG info (the UI workflow). */
export const imageOutputHidden = { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' } as const;

/** The run inputs an image output node passes on: the batch [B,H,W,3] in 0..1 and its hidden inputs. */
export interface ImageOutputInputs {
  readonly images: ImageBatch;
  readonly prompt: Record<string, unknown>;
  readonly extra_pnginfo: Record<string, unknown> | undefined;
}

/** Where and how the files are written. */
export interface ImageOutputTarget {
  /** The data directory folder (`output/` or `temp/`), also the refs' `type`. */
  readonly type: 'output' | 'temp';
  /** ComfyUI filename prefix (may hold subfolders and `%var%`s). */
  readonly prefix: string;
  /** zlib level 0..9 (ComfyUI: 4 for SaveImage, 1 for PreviewImage). */
  readonly compressionLevel: number;
}

/** Writes the batch into `target.type`'s folder and returns the node result with `ui.images` (one ref per image). */
export async function writeImageOutput(ctx: NodeCtx, inputs: ImageOutputInputs, target: ImageOutputTarget): Promise<NodeResult> {
  const images = await saveImageBatch(inputs.images, {
    root: ctx.services.dirs[target.type],
    prefix: target.prefix,
    type: target.type,
    compressionLevel: target.compressionLevel,
    // The server's codec: a big prompt's text was kept when it was queued, so this copies instead of walking it.
    promptJson: stringifyJson(inputs.prompt),
    extraPngInfo: inputs.extra_pnginfo,
    signal: ctx.signal,
  });
  return { outputs: [], ui: { images } };
}
