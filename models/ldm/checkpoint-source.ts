/**
 * What the converter reads: a single-file checkpoint, or a diffusers folder seen in LDM keys (diffusers-folder.ts).
 * Both give the same tensor table, so one converter builds both (docs/ldm-checkpoints.md). The cache key is the
 * content: the file's sha256, or for a folder a sha256 over its three weights files' hashes and its configs (which
 * decide the layout and heads), under a `diffusers-` prefix.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HfClipTextConfig } from '../clip/hf-text-tower.js';
import { openSafetensors, type SafetensorsFile } from '../safetensors/read.js';
import { isDir } from '../store/folder-probe.js';
import { classifyCheckpoint } from './checkpoint-kind.js';
import { openDiffusersCheckpoint } from './diffusers-folder.js';
import { CheckpointKindError } from './errors.js';
import { sourceHash } from './source-hash.js';
import { SD15_UNET_HEADS } from './unet-config.js';

/** An open checkpoint in LDM keys. Call `file.close()` when done. */
export interface CheckpointSource {
  readonly file: SafetensorsFile;
  readonly unetHeads: number;
  /** The text encoder's `config.json` (diffusers folders). */
  readonly textConfig?: HfClipTextConfig;
  /** Where an LDM key really lives, for error messages (diffusers folders). */
  readonly origin?: (key: string) => { readonly file: string; readonly key: string };
  /** The cache folder's name before the converter version: `<hash>` or `diffusers-<hash>`. */
  cacheName(indexDir: string, signal?: AbortSignal): Promise<{ readonly name: string; readonly sha256: string }>;
}

/**
 * Opens `source` (a `.safetensors` file or a diffusers folder) and checks it is SD1.5.
 * @throws SafetensorsError, CheckpointKindError, or an Error naming the folder's missing part
 */
export async function openCheckpointSource(source: string): Promise<CheckpointSource> {
  if (!isDir(source)) {
    const file = await openSafetensors(source);
    const kind = classifyCheckpoint(file.tensors);
    if (!kind.ok) {
      await file.close();
      throw new CheckpointKindError(source, kind.what, kind.hint);
    }
    return {
      file,
      unetHeads: SD15_UNET_HEADS,
      cacheName: async (indexDir, signal) => {
        const sha256 = await sourceHash(source, indexDir, signal);
        return { name: sha256.slice(0, 24), sha256 };
      },
    };
  }
  const d = await openDiffusersCheckpoint(source);
  const kind = classifyCheckpoint(d.view.tensors);
  if (!kind.ok) {
    await d.view.close();
    throw new CheckpointKindError(source, kind.what.replace(/checkpoint/, 'diffusers folder'), kind.hint);
  }
  const f = d.files;
  return {
    file: d.view,
    unetHeads: d.unetHeads,
    textConfig: d.textConfig,
    origin: d.origin,
    cacheName: async (indexDir, signal) => {
      const h = createHash('sha256').update('diffusers-sd15\n');
      for (const w of [f.unet, f.vae, f.textEncoder]) h.update(`${await sourceHash(w, indexDir, signal)}\n`);
      for (const c of [f.unetConfig, f.vaeConfig, f.textEncoderConfig]) h.update(c ? readFileSync(c) : 'none').update('\n');
      const sha256 = h.digest('hex');
      return { name: `diffusers-${sha256.slice(0, 24)}`, sha256 };
    },
  };
}
