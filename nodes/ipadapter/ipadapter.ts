/**
 * IPAdapter, ComfyUI_IPAdapter_plus's simple apply node (its class IPAdapterSimple), with its name, inputs and
 * output: the three weight types stand for "linear", "ease out" and "style transfer" of IPAdapterAdvanced. As there,
 * the CLIP vision model comes with the IPADAPTER (IPAdapterUnifiedLoader).
 */
import { combo, socket } from '../../server/engine/inputs.js';
import { applyIpAdapter } from '../../models/ip-adapter/apply-ip-adapter.js';
import { SIMPLE_WEIGHT_TYPES } from '../../models/ip-adapter/weight-types.js';
import { defineNode } from '../define-node.js';
import { IPADAPTER, MASK, MODEL } from '../socket-types.js';
import { endAtInput, imageInput, modelInput, startAtInput, weightInput } from './ipadapter-inputs.js';

const WEIGHT_TYPES = Object.keys(SIMPLE_WEIGHT_TYPES) as (keyof typeof SIMPLE_WEIGHT_TYPES)[];

export const ipAdapterNode = defineNode({
  type: 'IPAdapter',
  category: 'ipadapter',
  displayName: 'IPAdapter',
  description: 'Applies an IP-Adapter loaded with its CLIP vision model (IPAdapterUnifiedLoader) to the model, steered by the reference image.',
  inputs: {
    required: {
      model: modelInput,
      ipadapter: socket(IPADAPTER, { tooltip: 'From IPAdapterUnifiedLoader (the adapter with its CLIP vision model).' }),
      image: imageInput,
      weight: weightInput(3),
      start_at: startAtInput,
      end_at: endAtInput,
      weight_type: combo(WEIGHT_TYPES, { tooltip: 'standard = linear, prompt is more important = ease out, style transfer.' }),
    },
    optional: {
      attn_mask: socket(MASK, { tooltip: 'Not supported yet: a linked mask is refused.' }),
    },
  },
  outputs: [{ type: MODEL, name: 'MODEL' }],
  validates: [],
  validate(_inputs, _services, info) {
    return info.inputTypes.attn_mask === undefined ? true : 'attn_mask is not supported yet: disconnect the mask (the adapter then acts on the whole image)';
  },
  async run(ctx, i) {
    if (i.attn_mask) throw new Error('IPAdapter: attn_mask is not supported yet');
    const clipVision = i.ipadapter.clipVision;
    if (!clipVision) throw new Error('IPAdapter: CLIPVision model not present in the pipeline. Please load the models with the IPAdapterUnifiedLoader node (or use IPAdapterAdvanced with clip_vision).');
    const model = await applyIpAdapter({
      model: i.model, adapter: i.ipadapter, clipVision, image: i.image,
      weight: i.weight, weightType: SIMPLE_WEIGHT_TYPES[i.weight_type], combineEmbeds: 'concat', startAt: i.start_at, endAt: i.end_at, embedsScaling: 'V only',
      sessions: ctx.services.models.pool, cacheDir: ctx.services.dirs.cache, signal: ctx.signal,
    });
    return { outputs: [model] };
  },
});
