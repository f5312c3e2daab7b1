/**
 * IPAdapterLoader: an `ip-adapter_sd15.safetensors` file from `<data>/models/ipadapter` → IPADAPTER. The file is
 * checked against the reference layout (36 tensors, docs/model-folders.md) and every mismatch is named: a missing key, or
 * a wrong shape with expected vs actual.
 */
import path from 'node:path';
import { combo } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { loadIpAdapterWeightsOffThread } from '../../models/off-thread/conversions.js';
import type { ModelStore } from '../../models/store/model-store.js';
import { IPADAPTER } from '../socket-types.js';

/**
 * Every file in models/ipadapter, broken ones included, so choosing a file that does not match the layout reaches
 * the loader's exact message instead of a bare "value not in list". Empty when the engine lists choices without services.
 */
export function adapterNames(services?: NodeServices): readonly string[] {
  return services ? services.models.store.listModels('ipadapter').map((e) => e.name) : [];
}

/** The file to load: the store's manifest for a good entry, the plain path for one the store found broken. */
export function adapterFile(store: ModelStore, name: string): string {
  const entry = store.listModels('ipadapter').find((e) => e.name === name);
  // resolve() names what is available when absent, and why a non-safetensors file (a .bin pickle) is refused.
  if (!entry || entry.ok || path.extname(name).toLowerCase() !== '.safetensors') return store.resolveIpAdapter(name).file;
  return store.pathOf('ipadapter', entry.name);
}

export const ipAdapterLoaderNode = defineNode({
  type: 'IPAdapterLoader',
  category: 'dp-adapter',
  displayName: 'Load IP-Adapter',
  description:
    'Loads a base SD1.5 IP-Adapter (ip-adapter_sd15.safetensors) from models/ipadapter and validates its keys and shapes. ' +
    'Its image projection turns (De)CLIP ViT-H image embeddings into 4 image tokens; its attention layers must be baked into the checkpoint’s unet_ip/.',
  inputs: {
    required: {
      ipadapter_file: combo(adapterNames, { tooltip: 'The IP-Adapter safetensors file (base ip-adapter_sd15 layout).' }),
    },
  },
  outputs: [{ type: IPADAPTER, name: 'IPADAPTER', tooltip: 'The validated adapter with its image projection weights.' }],
  async run(ctx, inputs) {
    const adapter = await loadIpAdapterWeightsOffThread(adapterFile(ctx.services.models.store, inputs.ipadapter_file));
    return { outputs: [adapter] };
  },
});
