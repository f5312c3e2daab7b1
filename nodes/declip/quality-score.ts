/**
 * QualityScore: zero-shot quality of each image (DeCLIP eq. 8) from an antonym prompt pair, in the chosen space.
 * Presets: technical quality ('Good photo.' / 'Bad photo.'), aesthetic quality ('Aesthetic photo.' /
 * 'Not aesthetic photo.'), the ten attributes, or "custom" with the positive/negative inputs.
 */
import { combo, socket, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { scorePair, spaceLabel } from '../../models/iqa/iqa-scoring.js';
import type { Scores } from '../../models/declip/types.js';
import { customPromptPair, promptPreset, PROMPT_PRESET_IDS } from '../../models/iqa/prompts.js';
import { embedsToScore, logitScaleInput, spaceInput } from './score-input.js';
import { learnedPairOf, promptFileInput, promptFileStamp } from './prompt-file-input.js';
import { DECLIP, EMBEDS, IMAGE, SCORES } from '../socket-types.js';

const PAIR_CHOICES = [...PROMPT_PRESET_IDS, 'custom'] as const;

export const qualityScoreNode = defineNode({
  type: 'QualityScore',
  category: 'declip',
  displayName: 'Quality Score',
  description: 'Zero-shot IQA: softmax over the cosine to a positive and a negative prompt (DeCLIP eq. 8), one score '
    + 'in 0..1 per image, higher = more like the positive prompt. "raw" and "clip" both score vanilla CLIP. '
    + 'logit_scale does not change rankings (SRCC/KRCC), only how saturated the scores are.',
  inputs: {
    required: {
      declip: socket(DECLIP),
      space: spaceInput(),
      prompt_pair: combo(PAIR_CHOICES, { default: 'technical', tooltip: 'technical / aesthetic quality, an attribute, or custom' }),
      logit_scale: logitScaleInput('1/T of eq. 8: 100 as CLIP-IQA, 1 as the DeCLIP paper'),
    },
    optional: {
      image: socket(IMAGE),
      embeds: socket(EMBEDS),
      positive: string({ default: '', tooltip: 'custom positive prompt (prompt_pair = custom)' }),
      negative: string({ default: '', tooltip: 'custom negative prompt (prompt_pair = custom)' }),
      prompt_file: promptFileInput('a learned prompt from models/prompts (iqa tune / TrainPrompt): scores with its pair and '
        + 'learned context instead of prompt_pair; it must have been learned for this DECLIP\'s CLIP and space'),
    },
  },
  outputs: [{ type: SCORES, name: 'SCORES' }],
  // A prompt file retrained in place must re-run the node.
  fingerprint: (inputs, services) => promptFileStamp(services, inputs.prompt_file),
  async run(ctx, inputs) {
    const learned = await learnedPairOf(ctx, inputs.declip, inputs.prompt_file);
    const custom = inputs.prompt_pair === 'custom';
    const pair = learned?.pair ?? (custom ? customPromptPair(inputs.positive ?? '', inputs.negative ?? '') : promptPreset(inputs.prompt_pair));
    const name = learned
      ? `learned '${pair.positive}' vs '${pair.negative}' (${learned.name})`
      : custom ? `'${pair.positive}' vs '${pair.negative}'` : promptPreset(inputs.prompt_pair).label;
    const { space } = inputs;
    const embeds = await embedsToScore(ctx, inputs);
    const values = await scorePair({ model: inputs.declip, embeds, space, pair, logitScale: inputs.logit_scale, learned, signal: ctx.signal });
    const scores: Scores = { label: `${name} (${spaceLabel(space)})`, values, directions: { score: pair.direction } };
    return { outputs: [scores] };
  },
});
