/**
 * DPAdapterApply: DP-Adapter conditioning (docs/declip-iqa.md). The image tokens come from one DeCLIP part of the reference
 * image (or plain CLIP for comparison), projected by the IP-Adapter's image projection on onnxruntime once per run;
 * the text conditioning carries the other half of the description. Outputs the patched MODEL (the samplers switch to
 * the checkpoint's IP-capable UNet, append the image tokens after the text tokens and feed `ipadapter_scale` =
 * weight inside [start_at, end_at]) and the text CONDITIONING, ready for KSampler.
 */
import { combo, float, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { ImageEmbeds } from '../../models/declip/types.js';
import { applyDpAdapter, DP_ADAPTER_MODES } from '../../models/ip-adapter/dp-adapter.js';
import type { IpAdapterWeights } from '../../models/ip-adapter/weights.js';
import type { Conditioning, SdModel } from '../../models/sd/types.js';
import { CONDITIONING, EMBEDS, IPADAPTER, MODEL } from '../socket-types.js';

export const dpAdapterApplyNode = defineNode({
  type: 'DPAdapterApply',
  category: 'dp-adapter',
  displayName: 'Apply DP-Adapter',
  description:
    'IP-Adapter driven by a DeCLIP embedding. "perceptual image + semantic text": the look comes from the image, the content from the prompt; ' +
    '"semantic image + perceptual text": the reverse; "raw CLIP image": plain IP-Adapter. Needs a checkpoint with an IP-capable UNet (unet_ip/).',
  inputs: {
    required: {
      model: socket(MODEL, { tooltip: 'The SD1.5 model; its checkpoint must have unet_ip/model.onnx.' }),
      ipadapter: socket(IPADAPTER, { tooltip: 'From IPAdapterLoader.' }),
      embeds: socket(EMBEDS, { tooltip: 'Reference image embeddings from a ViT-H DeCLIP (1024-d).' }),
      conditioning: socket(CONDITIONING, { tooltip: 'The text half: semantic text for the perceptual-image mode, perceptual text for the semantic-image mode.' }),
      mode: combo(DP_ADAPTER_MODES, { default: 'perceptual image + semantic text', tooltip: 'Which embedding drives the image tokens.' }),
      weight: float({ default: 1.0, min: 0.0, max: 5.0, step: 0.05, tooltip: 'Scale of the image attention; 0 disables the adapter.' }),
      start_at: float({ default: 0.0, min: 0.0, max: 1.0, step: 0.001, tooltip: 'Fraction of the schedule where the adapter starts.' }),
      end_at: float({ default: 1.0, min: 0.0, max: 1.0, step: 0.001, tooltip: 'Fraction of the schedule where the adapter stops.' }),
    },
  },
  outputs: [
    { type: MODEL, name: 'MODEL', tooltip: 'The model with the DP-Adapter patch.' },
    { type: CONDITIONING, name: 'CONDITIONING', tooltip: 'The text conditioning to pair with the patched model.' },
  ],
  async run(ctx, i) {
    const model = await applyDpAdapter({
      model: i.model, adapter: i.ipadapter, embeds: i.embeds, mode: i.mode, weight: i.weight, startAt: i.start_at, endAt: i.end_at,
      sessions: ctx.services.models.pool, cacheDir: ctx.services.dirs.cache, signal: ctx.signal,
    });
    return { outputs: [model, i.conditioning] };
  },
});
