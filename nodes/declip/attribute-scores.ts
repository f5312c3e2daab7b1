/**
 * AttributeScores: the ten fine-grained attributes of DeCLIP's Table 4 from antonym prompt pairs
 * (`models/iqa/prompts.ts` lists and justifies them). Technical: brightness, colorfulness, contrast, noise,
 * sharpness; aesthetic: composition, color, depth of field, light, object emphasis. Every attribute is oriented so
 * that higher = more of the positive word; for noise that means higher = CLEANER (less noise).
 */
import { combo, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { ATTRIBUTE_GROUPS, scoreAttributes } from '../../models/iqa/iqa-scoring.js';
import { embedsToScore, logitScaleInput, spaceInput } from './score-input.js';
import { learnedPairOf, promptFileInput, promptFileStamp } from './prompt-file-input.js';
import { DECLIP, EMBEDS, IMAGE, SCORES } from '../socket-types.js';

export const attributeScoresNode = defineNode({
  type: 'AttributeScores',
  category: 'declip',
  displayName: 'Attribute Scores',
  description: 'Scores brightness, colorfulness, contrast, noise (higher = cleaner), sharpness, composition, color, '
    + 'depth of field, light and object emphasis per image; SCORES values are their mean.',
  inputs: {
    required: {
      declip: socket(DECLIP),
      space: spaceInput(),
      group: combo(ATTRIBUTE_GROUPS, { default: 'all' }),
      logit_scale: logitScaleInput(),
    },
    optional: {
      image: socket(IMAGE),
      embeds: socket(EMBEDS),
      prompt_file: promptFileInput('a learned prompt from models/prompts, learned for one attribute pair (e.g. Clean photo. / '
        + 'Noisy photo.): that attribute is scored with it; the others keep their hand-written pairs'),
    },
  },
  outputs: [{ type: SCORES, name: 'SCORES' }],
  // A prompt file retrained in place must re-run the node.
  fingerprint: (inputs, services) => promptFileStamp(services, inputs.prompt_file),
  async run(ctx, inputs) {
    const learned = await learnedPairOf(ctx, inputs.declip, inputs.prompt_file);
    const embeds = await embedsToScore(ctx, inputs);
    const scores = await scoreAttributes({
      model: inputs.declip, embeds, space: inputs.space, group: inputs.group, learned,
      logitScale: inputs.logit_scale, signal: ctx.signal,
    });
    return { outputs: [scores] };
  },
});
