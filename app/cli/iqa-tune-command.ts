/**
 * `perceptgraph iqa tune` (learn a CoOp prompt on a labelled folder and write the prompt file into models/prompts/)
 * and `perceptgraph iqa cross` (train on one label file, report SRCC/PLCC on others next to vanilla CLIP and the
 * zero-shot antonym pair). docs/coop.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';
import { dataDirs } from '../../server/data-dir.js';
import { deviceOption } from './device-option.js';
import { createModelRuntime } from '../../models/runtime/model-runtime.js';
import { LABEL_FORMATS, type LabelFormatId } from '../../models/iqa/labels.js';
import { crossCsv, crossJson, formatCrossTable, runCrossDataset, type CrossDataset } from '../../models/coop/cross-dataset.js';
import type { PromptEpochRecord } from '../../models/coop/learned-prompt.js';
import { embedForTuning, learnPrompt, loadTuneModel, type TuneEnv } from '../../models/coop/tune-job.js';
import { TUNE_OPTIONS, TUNE_USAGE, tuneConfig, tuneModel, tunePair } from './iqa-tune-options.js';

export const TUNE_HELP = `usage: perceptgraph iqa tune --images DIR --labels FILE --model SPEC [options]

Learns a CoOp prompt (context vectors before the pair's words) for a frozen DeCLIP on a labelled folder and writes
the prompt file (safetensors) for QualityScore / AttributeScores / GatedGenerate and iqa eval --prompt.
  --images DIR          folder the label file's image names are relative to
  --labels FILE         label file (image,mos CSV or a known dataset layout)
  --format F            auto (default) or one of: ${Object.keys(LABEL_FORMATS).join(', ')}
${TUNE_USAGE}
  --resume              continue from the state file of an earlier run with the same --out
  --out NAME|FILE       prompt file: a name in <data>/models/prompts/ (default <pair>-<clip>) or a path`;

export const CROSS_HELP = `usage: perceptgraph iqa cross --train DATASET --test DATASET... --model SPEC [options]

Trains a prompt on one labelled set and reports SRCC and PLCC on it and on every test set, for vanilla CLIP,
the zero-shot antonym pair and the learned prompt, as one table (terminal, metrics.json, metrics.csv).
DATASET: a label file (images beside it, or in images/ next to it), or name=N,labels=FILE,images=DIR,format=F.
${TUNE_USAGE}
  --out DIR             report folder (default <data>/output/iqa-cross); the prompt file goes to models/prompts/`;

const epochLine = (r: PromptEpochRecord, epochs: number) =>
  `epoch ${r.epoch}/${epochs}: loss ${r.trainLoss?.toFixed(4) ?? 'n/a'}, train SRCC ${r.train.srcc?.toFixed(4) ?? 'n/a'}${r.val ? `, val SRCC ${r.val.srcc?.toFixed(4) ?? 'n/a'}` : ''}`;

function format(v: string | undefined): LabelFormatId | 'auto' {
  const f = v ?? 'auto';
  if (f !== 'auto' && !(f in LABEL_FORMATS)) throw new UsageError(`format must be auto or one of ${Object.keys(LABEL_FORMATS).join(', ')}, got ${f}`);
  return f as LabelFormatId | 'auto';
}

/** A `--train` / `--test` value; see CROSS_HELP. */
export function parseDataset(spec: string): CrossDataset {
  const fields = new Map<string, string>();
  if (!spec.includes('=')) fields.set('labels', spec);
  else {
    for (const part of spec.split(',')) {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq).trim();
      if (eq < 0 || !['name', 'labels', 'images', 'format'].includes(key)) throw new UsageError(`dataset "${spec}": "${part}" is not key=value with a key of name, labels, images, format`);
      fields.set(key, part.slice(eq + 1).trim());
    }
  }
  const labels = fields.get('labels');
  if (!labels) throw new UsageError(`dataset "${spec}": labels=<label file> is required`);
  const labelsFile = path.resolve(labels);
  if (!existsSync(labelsFile)) throw new UsageError(`dataset "${spec}": label file ${labelsFile} does not exist`);
  const beside = path.join(path.dirname(labelsFile), 'images');
  const imageDir = path.resolve(fields.get('images') ?? (existsSync(beside) ? beside : path.dirname(labelsFile)));
  const name = fields.get('name') ?? path.basename(path.dirname(labelsFile));
  return { name, labelsFile, imageDir, format: format(fields.get('format')) };
}

async function withEnv<T>(values: { 'data-dir'?: string; device?: string; 'no-cache'?: boolean }, f: (env: TuneEnv, dirs: ReturnType<typeof dataDirs>) => Promise<T>): Promise<T> {
  const device = deviceOption(values.device ?? 'auto');
  const dirs = dataDirs(values['data-dir']);
  const runtime = createModelRuntime({ modelsDir: dirs.models, device, log: (m) => console.error(m) });
  try {
    return await f({ store: runtime.store, pool: runtime.pool, cacheDir: dirs.cache, embeddingCacheDir: values['no-cache'] ? null : undefined }, dirs);
  } finally {
    await runtime.dispose();
  }
}

function promptOut(out: string | undefined, modelsDir: string, fallback: string): string {
  const name = out ?? fallback;
  if (/[\\/]/.test(name)) return path.resolve(name.endsWith('.safetensors') ? name : `${name}.safetensors`);
  return path.join(modelsDir, 'prompts', name.endsWith('.safetensors') ? name : `${name}.safetensors`);
}

/** `iqa tune`. */
export async function tuneCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...TUNE_OPTIONS, images: { type: 'string' }, labels: { type: 'string' }, format: { type: 'string' }, resume: { type: 'boolean' }, out: { type: 'string' } } });
  if (values.help) {
    console.log(TUNE_HELP);
    return 0;
  }
  if (!values.images || !values.labels) throw new UsageError(`--images and --labels are required\n\n${TUNE_HELP}`);
  const spec = tuneModel(values);
  const pair = tunePair(values);
  const config = tuneConfig(values);
  const fmt = format(values.format);
  const labelsFile = path.resolve(values.labels);
  if (!existsSync(labelsFile)) throw new UsageError(`--labels ${labelsFile} does not exist`);
  return withEnv(values, async (env, dirs) => {
    const model = await loadTuneModel(env, spec);
    const data = await embedForTuning(env, model, { labelsFile, imageDir: path.resolve(values.images!), format: fmt });
    console.error(`${data.mos.length} images used of ${data.records} rows, ${data.problems.length} left out`);
    for (const p of data.problems) console.error(`skipped row ${p.row}: ${p.message}`);
    const out = promptOut(values.out, dirs.models, `${'id' in pair ? String(pair.id) : 'custom'}-${spec.clip}`);
    const prompt = await learnPrompt({ env, model, data, pair, config, out, resume: values.resume, onEpoch: (r, e) => console.error(epochLine(r, e)) });
    const b = prompt.metrics.baseline.train;
    console.log(`learned '${pair.positive}' / '${pair.negative}': train SRCC ${prompt.metrics.train.srcc?.toFixed(4)} (hand-written pair ${b.srcc?.toFixed(4)})`);
    console.log(`wrote ${out}`);
    return 0;
  });
}

/** `iqa cross`. */
export async function crossCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...TUNE_OPTIONS, train: { type: 'string' }, test: { type: 'string', multiple: true }, out: { type: 'string' } } });
  if (values.help) {
    console.log(CROSS_HELP);
    return 0;
  }
  if (!values.train || !values.test?.length) throw new UsageError(`--train and at least one --test are required\n\n${CROSS_HELP}`);
  const spec = tuneModel(values);
  const pair = tunePair(values);
  const config = tuneConfig(values);
  const train = parseDataset(values.train);
  const test = values.test.map(parseDataset);
  return withEnv(values, async (env, dirs) => {
    const model = await loadTuneModel(env, spec);
    const result = await runCrossDataset({
      env, model, train, test, pair, config, out: promptOut(undefined, dirs.models, `cross-${train.name}-${spec.clip}`),
      onEpoch: (r, e) => console.error(epochLine(r, e)),
    });
    console.log(formatCrossTable(result));
    const outDir = path.resolve(values.out ?? path.join(dirs.output, 'iqa-cross'));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'metrics.json'), crossJson(result));
    writeFileSync(path.join(outDir, 'metrics.csv'), crossCsv(result));
    console.log(`\nwrote ${path.join(outDir, 'metrics.json')}, ${path.join(outDir, 'metrics.csv')}, ${result.promptFile}`);
    return 0;
  });
}

