/**
 * TrainDeCLIP: trains the DeCLIP projectors from a graph, with the same trainer as `perceptgraph declip train`.
 * The I&2T file is read from the data directory's input/ folder; the projector file is written to models/declip/
 * (where DeCLIPLoader lists it). Progress goes through `ctx.progress` (→ WS `progress` messages), one text line per
 * epoch through `ctx.text`.
 */
import path from 'node:path';
import { boolean, combo, float, int, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { inputFileFingerprint, outputFileName } from '../training-files.js';
import type { NodeServices } from '../services.js';
import { resolveInside } from '../../models/image/image-files.js';
import { TRAIN_DEFAULTS } from '../../models/declip/train/config.js';
import { formatEpoch, runTrainingJob } from '../../models/declip/train/training-job.js';
import { storeNames } from '../model-runtime.js';

function clipNames(services?: NodeServices): readonly string[] {
  return storeNames(services, 'clip');
}

export const trainDeclipNode = defineNode({
  type: 'TrainDeCLIP',
  category: 'declip/training',
  displayName: 'Train DeCLIP projectors',
  description: 'Trains the perceptual and semantic projectors on an I&2T file (image, perceptual, semantic) from '
    + 'input/, on cached frozen-CLIP embeddings, and saves them to models/declip/ for DeCLIPLoader. Defaults are the '
    + 'paper\'s (AdamW lr 1e-5, weight decay 0.05, batch 1024, 200 epochs).',
  outputNode: true,
  inputs: {
    required: {
      data_file: string({ default: 'i2t.csv', tooltip: 'CSV or JSONL in input/ with columns image, perceptual, semantic' }),
      clip_name: combo((services?: NodeServices) => clipNames(services), { tooltip: 'the frozen CLIP (a folder in models/clip)' }),
      output_name: string({ default: 'declip-trained', tooltip: 'file name in models/declip/' }),
      epochs: int({ default: TRAIN_DEFAULTS.epochs, min: 1, max: 100000 }),
      learning_rate: float({ default: TRAIN_DEFAULTS.lr, min: 1e-8, max: 1, step: 1e-6, round: false }),
      weight_decay: float({ default: TRAIN_DEFAULTS.weightDecay, min: 0, max: 10, step: 0.01, round: false }),
      batch_size: int({ default: TRAIN_DEFAULTS.batchSize, min: 2, max: 65536 }),
      hidden_dim: int({ default: TRAIN_DEFAULTS.hiddenDim, min: 1, max: 16384 }),
      crops: int({ default: 4, min: 1, max: 64, tooltip: 'views per image: the image itself plus random crops' }),
      seed: int({ default: TRAIN_DEFAULTS.seed, min: 0, max: 2 ** 31 - 1 }),
      val_fraction: float({ default: TRAIN_DEFAULTS.valFraction, min: 0, max: 0.9, step: 0.01 }),
      resume: boolean({ default: false, tooltip: 'continue from this output\'s checkpoint' }),
    },
  },
  outputs: [],
  // Bad file names are refused at /prompt when they are constants; run() checks again for linked values.
  validates: ['output_name', 'data_file'],
  validate(inputs, services) {
    try {
      if (inputs.output_name !== undefined) outputFileName(inputs.output_name);
      if (inputs.data_file !== undefined) resolveInside(services.dirs.input, inputs.data_file);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  },
  // Re-run when the data file changes, even if every widget is the same.
  fingerprint: (inputs, services) => inputFileFingerprint(services.dirs.input, inputs.data_file),
  async run(ctx, inputs) {
    const { dirs } = ctx.services;
    const models = ctx.services.models;
    const dataFile = resolveInside(dirs.input, inputs.data_file);
    const out = path.join(models.store.dirOf('declip'), outputFileName(inputs.output_name));
    const lines: string[] = [];
    // The embedding pass reports no steps; this line names the phase for the editor while it runs.
    ctx.text(`embedding the data set with ${inputs.clip_name} (${inputs.crops} view(s) per image)…`);
    const job = await runTrainingJob({
      dataFile, clip: models.store.resolveClip(inputs.clip_name), pool: models.pool, cacheDir: dirs.cache, out,
      views: inputs.crops, resume: inputs.resume, signal: ctx.signal,
      checkpointFile: path.join(dirs.cache, 'declip-checkpoints', path.basename(out)),
      config: {
        epochs: inputs.epochs, lr: inputs.learning_rate, weightDecay: inputs.weight_decay, batchSize: inputs.batch_size,
        hiddenDim: inputs.hidden_dim, seed: inputs.seed, valFraction: inputs.val_fraction,
      },
      onEmbedded: (e) => {
        const line = `${e.set.count} images used of ${e.records} rows, ${e.problems.length} bad rows skipped`;
        lines.push(line, ...e.problems.map((p) => `  ${p.message}`));
        ctx.text(line);
      },
      onStep: (p) => ctx.progress((p.epoch - 1) * p.steps + p.step, p.epochs * p.steps),
      onEpoch: (r, baseline, epochs) => {
        const line = formatEpoch(r, epochs, baseline);
        lines.push(line);
        ctx.text(line);
      },
    });
    models.store.invalidate(); // the new file shows up in DeCLIPLoader's list at once
    lines.push(`saved models/declip/${path.basename(job.out)}`);
    return { ui: { text: lines } };
  },
});
