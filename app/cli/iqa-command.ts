/**
 * `perceptgraph iqa eval`: scores a folder of labelled images with CLIP and DeCLIP (or any list of model configs)
 * and reports SRCC, KRCC, PLCC and logistic PLCC per config: a table on stdout, metrics.json, metrics.csv and
 * predictions.csv in the output folder, a progress bar on a TTY, and a resumable embedding cache.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';
import type { CliCommand } from './command.js';
import { dataDirs } from '../../server/data-dir.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { createModelRuntime } from '../../models/runtime/model-runtime.js';
import { ensureTinyModels } from '../../models/tiny/setup.js';
import { LABEL_FORMATS, type ColumnRef, type LabelFormatId } from '../../models/iqa/labels.js';
import { parseModelSpec, DEFAULT_EVAL_MODELS } from '../../models/iqa/eval/model-config.js';
import { ProgressBar } from '../../models/iqa/eval/progress-bar.js';
import { formatEvalTable, writeEvalReports } from '../../models/iqa/eval/report.js';
import { runIqaEval } from '../../models/iqa/eval/run-eval.js';
import { checkEvalInputs } from './iqa-eval-checks.js';
import { CROSS_HELP, TUNE_HELP, crossCommand, tuneCommand } from './iqa-tune-command.js';

const HELP = `usage: perceptgraph iqa eval --images DIR --labels FILE [options]

Scores every labelled image and prints SRCC, KRCC, PLCC and PLCC after a 4-parameter logistic fit per model.
  --images DIR          folder the label file's image names are relative to
  --labels FILE         label file (CSV with a header, or a known dataset layout)
  --format F            auto (default) or one of: ${Object.keys(LABEL_FORMATS).join(', ')}
  --image-column C      image name column (header name, or 0-based index for header-less files)
  --mos-column C        score column (header name or index)
  --model SPEC          a model config, repeatable; comma-separated key=value with keys
                        name, clip, projector, layout, space (perceptual|semantic|raw|clip),
                        prompt (preset id) or positive + negative, logit_scale.
                        Default: ${DEFAULT_EVAL_MODELS.map((m) => `${m.name} (${m.clip}, ${m.projector}, ${m.space})`).join(' vs ')}
  --prompt FILE         a learned prompt file (iqa tune), repeatable: adds a "<model>+<file>" column per model
                        config scored with it (a path, or a name in <data>/models/prompts/)
  --out DIR             report folder (default <data>/output/iqa-eval)
  --cache-dir DIR       embedding cache for resuming (default <data>/cache/iqa-eval); --no-cache disables it
  --batch-size N        images per encoder run (default 16)
  --data-dir DIR        data directory (models/ is read from it)
  --device D            ${DEVICE_USAGE} (default auto)`;

const columnRef = (v: string | undefined): ColumnRef | undefined => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v);

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      images: { type: 'string' }, labels: { type: 'string' }, format: { type: 'string', default: 'auto' },
      'image-column': { type: 'string' }, 'mos-column': { type: 'string' }, model: { type: 'string', multiple: true },
      prompt: { type: 'string', multiple: true },
      out: { type: 'string' }, 'cache-dir': { type: 'string' }, 'no-cache': { type: 'boolean' },
      'batch-size': { type: 'string', default: '16' }, 'data-dir': { type: 'string' },
      device: { type: 'string', default: 'auto' }, help: { type: 'boolean', short: 'h' },
    },
  });
}

async function evalCommand(args: string[]): Promise<number> {
  const { values } = parse(args);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.images || !values.labels) {
    console.error(`--images and --labels are required\n\n${HELP}`);
    return 2;
  }
  if (values.format !== 'auto' && !(values.format in LABEL_FORMATS)) throw new UsageError(`--format must be auto or one of ${Object.keys(LABEL_FORMATS).join(', ')}`);
  const device = deviceOption(values.device);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, got ${values['batch-size']}`);
  const dirs = dataDirs(values['data-dir']);
  const promptFiles = (values.prompt ?? []).map((p) => promptFilePath(p, dirs.models));
  const specs = values.model?.map(parseModelSpec);
  const models = specs && promptFiles.length
    ? [...specs, ...specs.flatMap((c) => promptFiles.map((f) => ({ ...c, name: `${c.name}+${path.basename(f)}`, promptFile: f })))]
    : specs;
  if (promptFiles.length && !specs) throw new UsageError('--prompt needs --model configs naming the CLIP the prompt was learned for');
  checkEvalInputs(path.resolve(values.images), path.resolve(values.labels), {
    format: values.format as LabelFormatId | 'auto', imageColumn: columnRef(values['image-column']), mosColumn: columnRef(values['mos-column']),
  });
  // The default configs name the tiny CLIP; build it when missing so the command works on a fresh data dir.
  if (!models) ensureTinyModels(dirs.models);
  const runtime = createModelRuntime({ modelsDir: dirs.models, device, log: (m) => console.error(m) });
  const bar = new ProgressBar(process.stderr, 'encoding');
  try {
    const result = await runIqaEval({
      imageDir: path.resolve(values.images), labelsFile: path.resolve(values.labels),
      format: values.format as LabelFormatId | 'auto', imageColumn: columnRef(values['image-column']), mosColumn: columnRef(values['mos-column']),
      models, pool: runtime.pool, store: runtime.store, graphDir: path.join(dirs.cache, 'declip'),
      cacheDir: values['no-cache'] ? null : path.resolve(values['cache-dir'] ?? path.join(dirs.cache, 'iqa-eval')),
      batchSize, onProgress: (p) => bar.update(p.done, p.total),
    });
    bar.finish();
    for (const p of result.problems) console.error(`skipped: ${p.message}`);
    if (result.predictions.length === 0) throw new Error('no image could be scored (see the skipped rows above); no report written');
    console.log(formatEvalTable(result));
    const files = writeEvalReports(result, path.resolve(values.out ?? path.join(dirs.output, 'iqa-eval')));
    console.log(`\nwrote ${files.json}, ${files.csv}, ${files.predictions}`);
    return 0;
  } finally {
    bar.finish();
    await runtime.dispose();
  }
}

/** A `--prompt` value: an existing path, else a name in `<models>/prompts/`. */
function promptFilePath(value: string, modelsDir: string): string {
  if (existsSync(value)) return path.resolve(value);
  const inStore = path.join(modelsDir, 'prompts', value.endsWith('.safetensors') ? value : `${value}.safetensors`);
  if (existsSync(inStore)) return inStore;
  throw new UsageError(`--prompt ${value}: no such file, and no ${path.basename(inStore)} in ${path.dirname(inStore)}`);
}

const ALL_HELP = `${HELP}\n\n${TUNE_HELP}\n\n${CROSS_HELP}`;

export const iqaCommand: CliCommand = {
  summary: 'image quality assessment tools (eval: SRCC/KRCC/PLCC on a labelled folder; tune: learn a CoOp prompt; cross: cross-dataset protocol)',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'eval') return evalCommand(rest);
    if (sub === 'tune') return tuneCommand(rest);
    if (sub === 'cross') return crossCommand(rest);
    console.error(sub && sub !== '--help' && sub !== '-h' ? `unknown iqa subcommand "${sub}"\n\n${ALL_HELP}` : ALL_HELP);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  },
};
