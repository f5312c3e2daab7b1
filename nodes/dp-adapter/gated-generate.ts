/**
 * GatedGenerate (docs/declip-iqa.md): KSampler + VAEDecode + DeCLIP IQA in a loop. Samples the latent batch, scores every
 * image with QualityScore or AttributeScores maths, and re-samples with the next seeds until `min_kept` images
 * clear `threshold` or `max_tries` runs out. Every try, seed and score goes to the history outputs (ui), with a
 * preview of every image; when nothing passes, the best image is returned and `passed` is false.
 */
import { randomBytes } from 'node:crypto';
import { combo, float, int, socket } from '../../server/engine/inputs.js';
import { defineNode, type NodeCtx } from '../define-node.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { Scores } from '../../models/declip/types.js';
import { saveImageBatch } from '../../models/image/save-images.js';
import { runGatedGeneration, type GatedGenerationResult } from '../../models/ip-adapter/gated-generation.js';
import { GATE_SCORERS, generateImages, scoreImages } from '../../models/ip-adapter/gated-sd.js';
import type { SdVae } from '../../models/sd/types.js';
import {
  cfgInput, latentInput, modelInput, negativeInput, positiveInput, samplerInput, schedulerInput, seedInput, stepsInput,
} from '../sd/sampler-inputs.js';
import { previewEvery } from '../sd/services.js';
import { logitScaleInput, spaceInput } from '../declip/score-input.js';
import { learnedPairOf, promptFileInput, promptFileStamp } from '../declip/prompt-file-input.js';
import { BOOLEAN, DECLIP, IMAGE, SCORES, STRING, VAE } from '../socket-types.js';

/** Per-image history rows plus previews of every try (temp files, as PreviewImage). */
async function historyUi(ctx: NodeCtx, r: GatedGenerationResult) {
  const images = await saveImageBatch(r.all, {
    root: ctx.services.dirs.temp, prefix: `GatedGenerate_temp_${randomBytes(3).toString('hex')}`, type: 'temp', compressionLevel: 1, signal: ctx.signal,
  });
  const tries = r.tries.flatMap((t) =>
    t.scores.map((score, j) => ({ try: t.index + 1, seed: String(t.seeds[j]), score, passed: t.passed[j], image: images[t.index * t.scores.length + j]?.filename })));
  return { images, tries, passed: [r.passed], label: [r.label] };
}

export const gatedGenerateNode = defineNode({
  type: 'GatedGenerate',
  category: 'dp-adapter',
  displayName: 'Gated Generate (quality)',
  description:
    'Generates, scores each image with DeCLIP zero-shot IQA, and re-samples with the next seeds until enough images clear the threshold or max_tries is reached. ' +
    'If none passes, the best image is returned and "passed" is false.',
  inputs: {
    required: {
      model: modelInput,
      positive: positiveInput,
      negative: negativeInput,
      latent_image: latentInput,
      vae: socket(VAE, { tooltip: 'Decodes each try for scoring.' }),
      declip: socket(DECLIP, { tooltip: 'The scoring model (DeCLIPLoader).' }),
      seed: seedInput('The first seed; try t uses seed + t·batch.'),
      steps: stepsInput,
      cfg: cfgInput,
      sampler_name: samplerInput,
      scheduler: schedulerInput,
      scorer: combo(GATE_SCORERS, { default: 'quality: technical', tooltip: 'QualityScore preset, or the mean of an AttributeScores group.' }),
      space: spaceInput('Embedding space scored: DeCLIP perceptual/semantic or vanilla CLIP.'),
      logit_scale: logitScaleInput('k of DeCLIP eq. 8; thresholds depend on it, ranks do not.'),
      threshold: float({ default: 0.5, min: 0, max: 1, step: 0.001, tooltip: 'Lowest passing score (inclusive).' }),
      max_tries: int({ default: 4, min: 1, max: 64, tooltip: 'Sampling runs at most.' }),
      min_kept: int({ default: 1, min: 1, max: 4096, tooltip: 'Stop once this many images have passed.' }),
    },
    optional: {
      prompt_file: promptFileInput('A learned prompt from models/prompts: a quality scorer scores with it instead of the preset '
        + 'pair; an attributes scorer uses it for the attribute it was learned for.'),
    },
  },
  outputs: [
    { type: IMAGE, name: 'images', tooltip: 'The passing images (or the best one when none passed).' },
    { type: SCORES, name: 'scores', tooltip: 'Scores of the kept images.' },
    { type: IMAGE, name: 'all_images', tooltip: 'Every image of every try, in order.' },
    { type: SCORES, name: 'all_scores', tooltip: 'Scores of every image of every try.' },
    { type: STRING, name: 'seeds', tooltip: 'The seed of every image of every try, comma-separated.' },
    { type: BOOLEAN, name: 'passed', tooltip: 'False when no image cleared the threshold.' },
  ],
  // A prompt file retrained in place must re-run the node.
  fingerprint: (inputs, services) => promptFileStamp(services, inputs.prompt_file),
  async run(ctx, i) {
    const sessions = ctx.services.models.pool;
    // Loaded before sampling, so a prompt file for another CLIP fails at once, not after the first try.
    const learned = await learnedPairOf(ctx, i.declip, i.prompt_file);
    const total = i.max_tries * i.steps;
    let done = 0;
    const sample = {
      sessions, model: i.model, positive: i.positive, negative: i.negative, latent: i.latent_image, vae: i.vae,
      steps: i.steps, cfg: i.cfg, sampler: i.sampler_name, scheduler: i.scheduler, signal: ctx.signal,
      previewEvery: previewEvery(ctx.services, i.steps), previewFormat: ctx.services.previews?.format,
      onProgress: (value: number, _t: number, preview?: Parameters<NodeCtx['progress']>[2]) => ctx.progress(done + value, total, preview),
    };
    const r = await runGatedGeneration({
      seed: i.seed, threshold: i.threshold, maxTries: i.max_tries, minKept: i.min_kept, signal: ctx.signal,
      generate: (seed) => generateImages(sample, seed),
      score: (images) => scoreImages({ declip: i.declip, images, scorer: i.scorer, space: i.space, logitScale: i.logit_scale, learned, signal: ctx.signal }),
      onTry: (t) => {
        done += i.steps;
        ctx.log(`try ${t.index + 1}: seeds ${t.seeds.join(', ')} scores ${t.scores.map((s) => s.toFixed(4)).join(', ')}`);
      },
    });
    if (!r.passed) ctx.log(`no image reached ${i.threshold} in ${r.tries.length} tries; returning the best (${r.keptScores[0]?.toFixed(4)})`);
    const keptScores: Scores = { label: `${r.label}, ${r.passed ? `≥ ${i.threshold}` : 'best, none passed'}`, values: r.keptScores };
    const allScores: Scores = { label: r.label, values: r.allScores };
    return {
      outputs: [r.kept, keptScores, r.all, allScores, r.allSeeds.join(', '), r.passed],
      ui: await historyUi(ctx, r),
    };
  },
});
