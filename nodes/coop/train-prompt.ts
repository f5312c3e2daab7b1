/**
 * TrainPrompt: CoOp prompt learning from a graph (docs/coop.md), with the same job as `perceptgraph iqa tune`. The
 * label file (any layout `iqa eval` reads) is read from the data directory's input/ folder, its images relative to
 * the label file's folder; the prompt file is written to models/prompts/ (where the scoring nodes' prompt_file
 * lists it). One text line per epoch through `ctx.text`, progress per epoch.
 */
import path from 'node:path';
import { boolean, combo, float, int, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { inputFileFingerprint, outputFileName } from '../training-files.js';
import type { NodeServices } from '../services.js';
import { storeNames } from '../model-runtime.js';
import { resolveInside } from '../../models/image/image-files.js';
import { NO_PROJECTOR } from '../../models/declip/declip-model.js';
import { CONTEXT_MODES, PROMPT_LOSSES, PROMPT_TRAINING_DEFAULTS } from '../../models/coop/learned-prompt.js';
import { embedForTuning, learnPrompt, loadTuneModel } from '../../models/coop/tune-job.js';
import { SCORE_SPACES } from '../../models/iqa/iqa-scoring.js';
import { customPromptPair, promptPreset, PROMPT_PRESET_IDS } from '../../models/iqa/prompts.js';
import { STRING } from '../socket-types.js';

const fmt = (v: number | null | undefined) => (v == null ? 'n/a' : v.toFixed(4));
const D = PROMPT_TRAINING_DEFAULTS;

export const trainPromptNode = defineNode({
  type: 'TrainPrompt',
  category: 'declip/training',
  displayName: 'Train Prompt (CoOp)',
  description: 'Learns M context vectors before the words of an antonym pair for a frozen DeCLIP (CoOp) on a labelled image '
    + 'set in input/, and saves the prompt file to models/prompts/ for QualityScore, AttributeScores and GatedGenerate.',
  outputNode: true,
  inputs: {
    required: {
      labels_file: string({ default: 'labels.csv', tooltip: 'label file in input/ (image,mos or a known dataset layout); images relative to its folder' }),
      image_folder: string({ default: '', tooltip: 'folder in input/ the image names are relative to; empty = the label file\'s folder' }),
      clip_name: combo((services?: NodeServices) => storeNames(services, 'clip'), { tooltip: 'a .safetensors CLIP in models/clip (its text tower is tuned through)' }),
      projector: combo((services?: NodeServices) => [NO_PROJECTOR, ...storeNames(services, 'declip')], { default: NO_PROJECTOR }),
      space: combo(SCORE_SPACES, { default: 'perceptual' }),
      prompt_pair: combo([...PROMPT_PRESET_IDS, 'custom'], { default: 'technical' }),
      positive: string({ default: '', tooltip: 'custom positive prompt (prompt_pair = custom)' }),
      negative: string({ default: '', tooltip: 'custom negative prompt (prompt_pair = custom)' }),
      output_name: string({ default: 'prompt', tooltip: 'file name in models/prompts/' }),
      epochs: int({ default: D.epochs, min: 1, max: 100000 }),
      learning_rate: float({ default: D.lr, min: 1e-8, max: 1, step: 1e-4, round: false }),
      weight_decay: float({ default: D.weightDecay, min: 0, max: 10, step: 0.01, round: false }),
      batch_size: int({ default: D.batchSize, min: 2, max: 65536 }),
      context_length: int({ default: D.contextLength, min: 1, max: 64, tooltip: 'M, the number of learned context vectors' }),
      context_mode: combo(CONTEXT_MODES, { default: D.contextMode }),
      loss: combo(PROMPT_LOSSES, { default: D.loss }),
      logit_scale: float({ default: D.logitScale, min: 0.01, max: 1000, step: 0.01 }),
      seed: int({ default: D.seed, min: 0, max: 2 ** 31 - 1 }),
      val_fraction: float({ default: D.valFraction, min: 0, max: 0.9, step: 0.01 }),
      resume: boolean({ default: false, tooltip: 'continue from this output\'s state file' }),
    },
  },
  outputs: [{ type: STRING, name: 'prompt_file', tooltip: 'the file name in models/prompts/' }],
  validates: ['output_name', 'labels_file'],
  validate(inputs, services) {
    try {
      if (inputs.output_name !== undefined) outputFileName(inputs.output_name);
      if (inputs.labels_file !== undefined) resolveInside(services.dirs.input, inputs.labels_file);
      if (inputs.image_folder) resolveInside(services.dirs.input, inputs.image_folder);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  },
  // Re-run when the label file changes, even if every widget is the same.
  fingerprint: (inputs, services) => inputFileFingerprint(services.dirs.input, inputs.labels_file),
  async run(ctx, i) {
    const { dirs, models } = ctx.services;
    const labelsFile = resolveInside(dirs.input, i.labels_file);
    const name = outputFileName(i.output_name);
    const pair = i.prompt_pair === 'custom' ? customPromptPair(i.positive, i.negative) : promptPreset(i.prompt_pair);
    const env = { store: models.store, pool: models.pool, cacheDir: dirs.cache, signal: ctx.signal };
    const model = await loadTuneModel(env, { clip: i.clip_name, projector: i.projector, space: i.space });
    ctx.text(`embedding ${i.labels_file} with ${i.clip_name}…`);
    const imageDir = i.image_folder ? resolveInside(dirs.input, i.image_folder) : path.dirname(labelsFile);
    const data = await embedForTuning(env, model, { labelsFile, imageDir });
    const lines = [`${data.mos.length} images used of ${data.records} rows, ${data.problems.length} left out`, ...data.problems.map((p) => `  row ${p.row}: ${p.message}`)];
    ctx.text(lines[0]!);
    const prompt = await learnPrompt({
      env, model, data, pair, out: path.join(models.store.dirOf('prompts'), name), resume: i.resume,
      config: {
        epochs: i.epochs, lr: i.learning_rate, weightDecay: i.weight_decay, batchSize: i.batch_size, contextLength: i.context_length,
        contextMode: i.context_mode, loss: i.loss, logitScale: i.logit_scale, seed: i.seed, valFraction: i.val_fraction,
      },
      onEpoch: (r, epochs) => {
        const line = `epoch ${r.epoch}/${epochs}: loss ${fmt(r.trainLoss)}, train SRCC ${fmt(r.train.srcc)}${r.val ? `, val SRCC ${fmt(r.val.srcc)}` : ''}`;
        lines.push(line);
        ctx.text(line);
        ctx.progress(r.epoch, epochs);
      },
    });
    const b = prompt.metrics.baseline;
    lines.push(`hand-written pair: train SRCC ${fmt(b.train.srcc)}${b.val ? `, val SRCC ${fmt(b.val.srcc)}` : ''}`, `saved models/prompts/${name}`);
    return { outputs: [name], ui: { text: lines } };
  },
});
