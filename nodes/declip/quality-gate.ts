/**
 * QualityGate (docs/declip-iqa.md): IMAGE + SCORES → kept IMAGE, rejected IMAGE, SCORES of the kept images. Modes: threshold
 * (score ≥ threshold, batch order), top_k (the k best, best first) and best_of (the single best). Every image lands
 * in kept or rejected; an empty batch passes through as [0, H, W, 3] tensors.
 */
import { combo, float, int, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { applyGate, GATE_MODES } from '../../models/declip/quality-gate.js';
import { IMAGE, SCORES } from '../socket-types.js';

export const qualityGateNode = defineNode({
  type: 'QualityGate',
  category: 'declip',
  displayName: 'Quality Gate',
  description: 'Keeps images whose score clears a threshold, the top k, or the best one; the rest go to "rejected".',
  inputs: {
    required: {
      image: socket(IMAGE),
      scores: socket(SCORES),
      mode: combo(GATE_MODES, { default: 'threshold' }),
      threshold: float({ default: 0.5, min: -1e6, max: 1e6, step: 0.01, tooltip: 'threshold mode: lowest score kept' }),
      k: int({ default: 1, min: 1, max: 4096, tooltip: 'top_k mode: how many to keep' }),
    },
  },
  outputs: [
    { type: IMAGE, name: 'kept' },
    { type: IMAGE, name: 'rejected' },
    { type: SCORES, name: 'kept_scores' },
  ],
  run(ctx, { image, scores, mode, threshold, k }) {
    const result = applyGate(image, scores, { mode, threshold, k });
    for (const note of result.decision.notes) ctx.log(`QualityGate: ${note}`);
    ctx.text(`kept ${result.kept.dims[0]} of ${image.dims[0]}, rejected ${result.rejected.dims[0]} (${mode})`);
    return { outputs: [result.kept, result.rejected, result.keptScores] };
  },
});
