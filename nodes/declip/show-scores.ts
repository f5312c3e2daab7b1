/**
 * ShowScores: an output node that puts SCORES into the history and the editor. UI output:
 * `scores`: one row per image `{image, score, <attribute>...}` (the editor draws each row as a line) and `text`:
 * the label and what "higher" means for each column.
 */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { Scores } from '../../models/declip/types.js';
import { SCORES } from '../socket-types.js';

/** One row per image: its index, its score and its attribute scores. */
export function scoreRows(scores: Scores): Record<string, number>[] {
  return scores.values.map((score, image) => {
    const row: Record<string, number> = { image, score };
    for (const [name, values] of Object.entries(scores.attributes ?? {})) row[name] = values[image]!;
    return row;
  });
}

/** The label line, then one "column: higher = …" line per documented direction. */
export function scoreText(scores: Scores): string[] {
  const lines = [`${scores.label}: ${scores.values.length} image(s)`];
  for (const [name, direction] of Object.entries(scores.directions ?? {})) lines.push(`${name}: ${direction}`);
  return lines;
}

export const showScoresNode = defineNode({
  type: 'ShowScores',
  category: 'declip',
  displayName: 'Show Scores',
  description: 'Shows scores on the node and records them in the history.',
  inputs: { required: { scores: socket(SCORES) } },
  outputs: [],
  outputNode: true,
  run(_ctx, { scores }) {
    return { ui: { scores: scoreRows(scores), text: scoreText(scores) } };
  },
});
