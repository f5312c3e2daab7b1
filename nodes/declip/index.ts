/** The DeCLIP / zero-shot IQA node pack. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { attributeScoresNode } from './attribute-scores.js';
import { declipImageEncodeNode } from './declip-image-encode.js';
import { declipLoaderNode } from './declip-loader.js';
import { declipTextEncodeNode } from './declip-text-encode.js';
import { qualityGateNode } from './quality-gate.js';
import { qualityScoreNode } from './quality-score.js';
import { showScoresNode } from './show-scores.js';
import { splitEmbedsNode } from './split-embeds.js';

/** Every DeCLIP node, for `NodeRegistry.addAll`. */
export const declipNodes: AnyNodeDefinition[] = [
  declipLoaderNode, declipImageEncodeNode, splitEmbedsNode, declipTextEncodeNode,
  qualityScoreNode, attributeScoresNode, qualityGateNode, showScoresNode,
];

export {
  attributeScoresNode, declipImageEncodeNode, declipLoaderNode, declipTextEncodeNode,
  qualityGateNode, qualityScoreNode, showScoresNode, splitEmbedsNode,
};
