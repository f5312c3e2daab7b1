/**
 * AttributeScores: the ten fine-grained attributes of DeCLIP's Table 4 from antonym prompt pairs
 * (`models/iqa/prompts.ts` lists and justifies them). Technical: brightness, colorfulness, contrast, noise,
 * sharpness; aesthetic: composition, color, depth of field, light, object emphasis. Every attribute is oriented so
 * that higher = more of the positive word; for noise that means higher = CLEANER (less noise).
 */
import { combo, float, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../../server/engine/node-definition.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import { ATTRIBUTE_GROUPS, SCORE_SPACES, scoreAttributes, type AttributeGroup, type ScoreSpace } from '../../models/iqa/iqa-scoring.js';
import type { ImageEmbeds } from '../../models/declip/types.js';
import { DEFAULT_LOGIT_SCALE } from '../../models/declip/zero-shot.js';
import type { ImageBatch } from '../../models/tensors.js';
import { embedsToScore } from './score-input.js';

export const attributeScoresNode = defineNode({
  type: 'AttributeScores',
  category: 'declip',
  displayName: 'Attribute Scores',
  description: 'Scores brightness, colorfulness, contrast, noise (higher = cleaner), sharpness, composition, color, '
    + 'depth of field, light and object emphasis per image; SCORES values are their mean.',
  inputs: {
    required: {
      declip: socket<DeclipModel>('DECLIP'),
      space: combo(SCORE_SPACES, { default: 'perceptual' }),
      group: combo(ATTRIBUTE_GROUPS, { default: 'all' }),
      logit_scale: float({ default: DEFAULT_LOGIT_SCALE, min: 0.01, max: 1000, step: 0.01 }),
    },
    optional: {
      image: socket<ImageBatch>('IMAGE'),
      embeds: socket<ImageEmbeds>('EMBEDS'),
    },
  },
  outputs: [{ type: 'SCORES', name: 'SCORES' }],
  async run(ctx, inputs) {
    const embeds = await embedsToScore(ctx, inputs);
    const scores = await scoreAttributes({
      model: inputs.declip, embeds, space: inputs.space as ScoreSpace, group: inputs.group as AttributeGroup,
      logitScale: inputs.logit_scale, signal: ctx.signal,
    });
    return { outputs: [scores] };
  },
});
