/**
 * IPAdapterAdvanced, with the name, inputs and output of ComfyUI_IPAdapter_plus's node, so a workflow made there runs
 * unchanged on the base SD1.5 adapter (docs/ip-adapter-nodes.md): MODEL + IPADAPTER + IMAGE (+ CLIP_VISION) → the
 * MODEL with IP-Adapter's decoupled cross-attention in its 16 attn2 layers.
 */
import { combo, socket } from '../../server/engine/inputs.js';
import { applyIpAdapter } from '../../models/ip-adapter/apply-ip-adapter.js';
import { COMBINE_EMBEDS } from '../../models/ip-adapter/combine-embeds.js';
import { EMBEDS_SCALINGS, IPADAPTER_WEIGHT_TYPES } from '../../models/ip-adapter/weight-types.js';
import { defineNode } from '../define-node.js';
import { CLIP_VISION, IMAGE, MASK, MODEL } from '../socket-types.js';
import { checkScaling, endAtInput, imageInput, ipadapterInput, modelInput, startAtInput, weightInput } from './ipadapter-inputs.js';

export const ipAdapterAdvancedNode = defineNode({
  type: 'IPAdapterAdvanced',
  category: 'ipadapter',
  displayName: 'IPAdapter Advanced',
  description:
    'Applies an IP-Adapter (base ip-adapter_sd15) to the model: the reference image, encoded by the CLIP vision model, steers generation through ' +
    'decoupled cross-attention. Supports every weight_type except the two "precise" ones, and the "V only" and "K+V" embeds scaling.',
  inputs: {
    required: {
      model: modelInput,
      ipadapter: ipadapterInput,
      image: imageInput,
      weight: weightInput(5),
      weight_type: combo(IPADAPTER_WEIGHT_TYPES, { tooltip: 'How the weight is spread over the 16 attention layers.' }),
      combine_embeds: combo(COMBINE_EMBEDS, { tooltip: 'How several reference images are combined.' }),
      start_at: startAtInput,
      end_at: endAtInput,
      embeds_scaling: combo(EMBEDS_SCALINGS, { tooltip: 'V only: scale the image attention; K+V: scale its keys and values.' }),
    },
    optional: {
      image_negative: socket(IMAGE, { tooltip: 'Images whose embedding replaces the zero embedding on the unconditional side.' }),
      attn_mask: socket(MASK, { tooltip: 'Not supported yet: a linked mask is refused.' }),
      clip_vision: socket(CLIP_VISION, { tooltip: 'The ViT-H/14 image encoder (CLIPVisionLoader); required unless the IPADAPTER carries one.' }),
    },
  },
  outputs: [{ type: MODEL, name: 'MODEL' }],
  validates: ['weight_type', 'embeds_scaling'],
  validate(inputs, _services, info) {
    if (info.inputTypes.attn_mask !== undefined) return 'attn_mask is not supported yet: disconnect the mask (the adapter then acts on the whole image)';
    return checkScaling(inputs.weight_type, inputs.embeds_scaling);
  },
  async run(ctx, i) {
    if (i.attn_mask) throw new Error('IPAdapterAdvanced: attn_mask is not supported yet');
    const clipVision = i.clip_vision ?? i.ipadapter.clipVision;
    if (!clipVision) throw new Error('IPAdapterAdvanced: Missing CLIPVision model: connect clip_vision (CLIPVisionLoader with CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors)');
    const model = await applyIpAdapter({
      model: i.model, adapter: i.ipadapter, clipVision, image: i.image, imageNegative: i.image_negative,
      weight: i.weight, weightType: i.weight_type, combineEmbeds: i.combine_embeds, startAt: i.start_at, endAt: i.end_at, embedsScaling: i.embeds_scaling,
      sessions: ctx.services.models.pool, cacheDir: ctx.services.dirs.cache, signal: ctx.signal,
    });
    return { outputs: [model] };
  },
});
