/**
 * DeCLIPLoader: a CLIP from `models/clip/` (a `.safetensors` file or HF folder, converted on first use, or an ONNX
 * folder in the split or full layout; docs/model-folders.md) plus a DeCLIP projector file from `models/declip/`. With projector "none" the projectors are zero-initialised and DeCLIP equals CLIP exactly.
 */
import { statSync } from 'node:fs';
import { combo } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { loadDeclipModel, NO_PROJECTOR } from '../../models/declip/declip-model.js';
import type { ModelStore } from '../../models/store/model-store.js';
import { storeNames, storeWeightsFileNames } from '../model-runtime.js';
import { graphDir } from './services.js';
import { DECLIP } from '../socket-types.js';
import { CLIP_LAYOUT_CHOICES } from '../../models/clip/clip-towers.js';

/** Sizes and mtimes of the files behind a (clip, projector) choice, or the reason they cannot be read. */
function modelFilesStamp(store: ModelStore, clip: string, projector: string): string {
  try {
    const m = store.resolveClip(clip);
    const files = [m.safetensors?.file, m.vision?.model, m.text?.model, m.full?.model, projector === NO_PROJECTOR ? undefined : store.resolveDeclip(projector).file];
    return files.map((f) => {
      if (!f) return '-';
      const s = statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    }).join('|');
  } catch (err) {
    return (err as Error).message;
  }
}

export const declipLoaderNode = defineNode({
  type: 'DeCLIPLoader',
  category: 'declip',
  displayName: 'Load DeCLIP',
  description: 'Loads a CLIP model (a .safetensors file in the Hugging Face or OpenCLIP layout, or an ONNX folder: vision_model.onnx + text_model.onnx, or model.onnx) and a DeCLIP projector file. '
    + 'Projector "none" means zero-initialised projectors: the perceptual and semantic embeddings equal CLIP\'s.',
  inputs: {
    required: {
      clip_name: combo((services?: NodeServices) => storeWeightsFileNames(services, 'clip'), { tooltip: 'a .safetensors file or an ONNX folder in models/clip' }),
      projector: combo((services?: NodeServices) => [NO_PROJECTOR, ...storeNames(services, 'declip')], {
        default: NO_PROJECTOR, tooltip: 'a projector .safetensors in models/declip, or none (vanilla CLIP)',
      }),
      layout: combo(CLIP_LAYOUT_CHOICES, { default: 'auto', tooltip: 'auto takes the split files when present' }),
    },
  },
  outputs: [{ type: DECLIP, name: 'DECLIP' }],
  // Replacing a model file on disk (a retrained projector) must re-run the loader, not reuse the cached model.
  fingerprint(inputs, services) {
    return modelFilesStamp(services.models.store, String(inputs.clip_name), String(inputs.projector));
  },
  async run(ctx, inputs) {
    const models = ctx.services.models;
    const model = await loadDeclipModel({
      pool: models.pool, store: models.store, clip: inputs.clip_name, projector: inputs.projector,
      layout: inputs.layout, graphDir: graphDir(ctx.services), cacheDir: ctx.services.dirs.cache,
    });
    return { outputs: [model] };
  },
});
