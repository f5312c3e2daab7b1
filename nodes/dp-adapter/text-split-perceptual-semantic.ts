/**
 * TextSplitPerceptualSemantic: a mixed prompt → its perceptual half (the look) and its semantic half (the content),
 * with the project's perceptual vocabulary. "a dreamy, soft-lit photo of a street lamp" → "dreamy, soft-lit" and
 * "a photo of a street lamp"; feed each half to the DP-Adapter mode that wants it.
 */
import { string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { splitPerceptualSemantic } from '../../models/i2t/split-prompt.js';
import { STRING } from '../socket-types.js';

export const textSplitPerceptualSemanticNode = defineNode({
  type: 'TextSplitPerceptualSemantic',
  category: 'dp-adapter',
  displayName: 'Split Prompt (Perceptual / Semantic)',
  description:
    'Splits a prompt into its perceptual words (lighting, colour, sharpness, mood: the look) and the rest (the content), using the project’s perceptual vocabulary.',
  inputs: {
    required: {
      text: string({ multiline: true, default: 'a dreamy, soft-lit photo of a street lamp', tooltip: 'The mixed prompt to split.' }),
    },
  },
  outputs: [
    { type: STRING, name: 'perceptual', tooltip: 'The perceptual terms as written, joined by ", " (empty when none matched).' },
    { type: STRING, name: 'semantic', tooltip: 'The prompt without its perceptual terms.' },
  ],
  run(_ctx, inputs) {
    const split = splitPerceptualSemantic(inputs.text);
    return { outputs: [split.perceptual, split.semantic], ui: { text: [split.perceptual, split.semantic] } };
  },
});
