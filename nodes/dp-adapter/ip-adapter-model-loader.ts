/**
 * IPAdapterModelLoader, with the name, input and output of ComfyUI_IPAdapter_plus's loader, so a workflow made
 * there loads its adapter unchanged: an `ip-adapter_sd15.safetensors` file from `<data>/models/ipadapter` →
 * IPADAPTER. On a `.safetensors` checkpoint the adapter's attention layers are built into the UNet when it is
 * applied (docs/ldm-checkpoints.md); an ONNX checkpoint needs them baked into its `unet_ip/`.
 */
import { combo } from '../../server/engine/inputs.js';
import { loadIpAdapterWeightsOffThread } from '../../models/off-thread/conversions.js';
import { defineNode } from '../define-node.js';
import { IPADAPTER } from '../socket-types.js';
import { adapterFile, adapterNames } from './ip-adapter-loader.js';

export const ipAdapterModelLoaderNode = defineNode({
  type: 'IPAdapterModelLoader',
  category: 'ipadapter/loaders',
  displayName: 'IPAdapter Model Loader',
  description: 'Loads a base SD1.5 IP-Adapter (ip-adapter_sd15.safetensors) from models/ipadapter and validates its keys and shapes.',
  inputs: {
    required: {
      ipadapter_file: combo(adapterNames),
    },
  },
  outputs: [{ type: IPADAPTER, name: 'IPADAPTER' }],
  async run(ctx, inputs) {
    return { outputs: [await loadIpAdapterWeightsOffThread(adapterFile(ctx.services.models.store, inputs.ipadapter_file))] };
  },
});
