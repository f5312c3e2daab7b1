/** DeCLIPTextEncode: STRING → TEXT_EMBEDS, one CLIP text embedding per non-empty line (cached per model and text). */
import { socket, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { TextEmbeds } from '../../models/declip/types.js';
import { DECLIP, TEXT_EMBEDS } from '../socket-types.js';

/** The prompts of a multi-line text: trimmed non-empty lines. */
export function promptLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

export const declipTextEncodeNode = defineNode({
  type: 'DeCLIPTextEncode',
  category: 'declip',
  displayName: 'DeCLIP Text Encode',
  description: 'Encodes each non-empty line with the CLIP text encoder: TEXT_EMBEDS [lines, d].',
  inputs: {
    required: {
      declip: socket(DECLIP),
      text: string({ multiline: true, default: 'Good photo.\nBad photo.' }),
    },
  },
  outputs: [{ type: TEXT_EMBEDS, name: 'TEXT_EMBEDS' }],
  async run(ctx, { declip, text }) {
    const texts = promptLines(text);
    if (texts.length === 0) throw new Error('text: no prompt given (every line is empty)');
    const embeds: TextEmbeds = { modelKey: declip.clipKey, texts, embeds: await declip.encodeTexts(texts, ctx.signal) };
    return { outputs: [embeds] };
  },
});
