/**
 * `perceptgraph declip train <i2t file> --clip NAME`: trains the DeCLIP projectors on cached frozen-CLIP
 * embeddings (see models/declip/train/) and writes the projector safetensors that `DeCLIPLoader` reads. Prints one
 * line per epoch (losses, held-out R@1/R@5 per head next to the zero-init baseline) and a progress bar on a TTY.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '../../models/i2t/filter-cli.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { SessionPool } from '../../models/onnx/session-pool.js';
import { readClip } from '../../models/store/clip-layout.js';
import type { ClipManifest } from '../../models/store/manifests.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../models/declip/train/config.js';
import { formatEpoch, formatProgressBar, runTrainingJob } from '../../models/declip/train/training-job.js';
import { dataDirs } from '../../server/data-dir.js';
import { processIo } from './i2t-command.js';
import type { CliCommand } from './command.js';

/** Usage text. */
export const DECLIP_TRAIN_USAGE = `usage: perceptgraph declip train <i2t.csv|.jsonl> --clip NAME|PATH [options]
  --clip NAME|PATH      CLIP model: a name under <data>/models/clip, a folder or a .safetensors path (required)
  -o, --out FILE        projector safetensors (default <data>/models/declip/<data file>-<clip>.safetensors)
  --data-dir DIR        data directory (default $PERCEPTGRAPH_DATA_DIR or ./data)
  --device D            ${DEVICE_USAGE} (default auto)
  --views K             crops per image, view 0 uncropped (default 4)
  --hidden H            projector hidden width (default ${TRAIN_DEFAULTS.hiddenDim})
  --lr X                AdamW learning rate (default ${TRAIN_DEFAULTS.lr})
  --weight-decay X      AdamW weight decay (default ${TRAIN_DEFAULTS.weightDecay})
  --batch N             batch size (default ${TRAIN_DEFAULTS.batchSize})
  --epochs N            epochs (default ${TRAIN_DEFAULTS.epochs})
  --temperature X       InfoNCE temperature (default ${TRAIN_DEFAULTS.temperature})
  --seed N              seed of init, split, shuffles and crops (default ${TRAIN_DEFAULTS.seed})
  --val X               held-out share of images (default ${TRAIN_DEFAULTS.valFraction})
  --checkpoint FILE     checkpoint written every epoch (default <data>/cache/declip-checkpoints/<out name>)
  --resume              continue from the checkpoint
  -h, --help            show this help
`;

const NUMERIC: Record<string, keyof TrainConfig> = {
  hidden: 'hiddenDim', lr: 'lr', 'weight-decay': 'weightDecay', batch: 'batchSize', epochs: 'epochs',
  temperature: 'temperature', seed: 'seed', val: 'valFraction',
};

class UsageError extends Error {}

interface TrainArgs {
  readonly dataFile: string;
  readonly clip: string;
  readonly out?: string;
  readonly dataDir?: string;
  readonly device: string;
  readonly views: number;
  readonly config: Partial<TrainConfig>;
  readonly checkpoint?: string;
  readonly resume: boolean;
}

function parseTrainArgs(args: readonly string[], cwd: string): TrainArgs | 'help' {
  const options = Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args], allowPositionals: true,
      options: {
        ...options, clip: { type: 'string' }, out: { type: 'string', short: 'o' }, 'data-dir': { type: 'string' }, device: { type: 'string' },
        views: { type: 'string' }, checkpoint: { type: 'string' }, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one I&2T data file, got ${parsed.positionals.length}`);
  if (typeof v.clip !== 'string') throw new UsageError('--clip is required');
  const num = (flag: string, value: unknown) => {
    const n = Number(value);
    if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got '${value}'`);
    return n;
  };
  const config: Record<string, number> = {};
  for (const [flag, key] of Object.entries(NUMERIC)) if (v[flag] !== undefined) config[key] = num(flag, v[flag]);
  const abs = (p: unknown) => (typeof p === 'string' ? path.resolve(cwd, p) : undefined);
  return {
    dataFile: abs(parsed.positionals[0])!, clip: v.clip, out: abs(v.out), dataDir: abs(v['data-dir']),
    device: (v.device as string | undefined) ?? 'auto', views: v.views === undefined ? 4 : num('views', v.views),
    config, checkpoint: abs(v.checkpoint), resume: v.resume === true,
  };
}

/** A CLIP folder or `.safetensors` file by path, or by name under the data dir's `models/clip`. */
function resolveClip(spec: string, modelsDir: string, cwd: string): ClipManifest {
  const asPath = path.resolve(cwd, spec);
  const byPath = existsSync(asPath) && (statSync(asPath).isDirectory() || /\.safetensors$/i.test(spec)) && /[\\/]/.test(spec);
  const dir = byPath ? asPath : path.join(modelsDir, 'clip', spec);
  if (!existsSync(dir)) throw new Error(`CLIP model '${spec}' not found (looked for ${dir})`);
  const entry = readClip(dir, path.basename(dir));
  if (!entry.ok) throw new Error(`CLIP model ${dir} is not usable: ${entry.problems.join('; ')}`);
  return entry.manifest;
}

/** Runs `declip <subcommand> …`; returns 0 done, 1 failed, 2 bad arguments. Never throws. */
export async function runDeclipCli(args: readonly string[], io: CliIo & { isTty?: boolean }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    io.stdout(DECLIP_TRAIN_USAGE);
    return 0;
  }
  if (sub !== 'train') {
    io.stderr(`${sub ? `declip: unknown subcommand "${sub}"` : 'declip: a subcommand is required'}\n${DECLIP_TRAIN_USAGE}`);
    return 2;
  }
  let a: TrainArgs | 'help';
  try {
    a = parseTrainArgs(rest, io.cwd ?? process.cwd());
  } catch (err) {
    io.stderr(`declip train: ${(err as Error).message}\n${DECLIP_TRAIN_USAGE}`);
    return 2;
  }
  if (a === 'help') {
    io.stdout(DECLIP_TRAIN_USAGE);
    return 0;
  }
  try {
    return await train(a, io);
  } catch (err) {
    if (io.isTty) io.stderr('\n');
    io.stderr(`declip train: ${(err as Error).message}\n`);
    return 1;
  }
}

async function train(a: TrainArgs, io: CliIo & { isTty?: boolean }): Promise<number> {
  if (!existsSync(a.dataFile)) throw new Error(`I&2T data file ${a.dataFile} does not exist`);
  const dirs = dataDirs(a.dataDir);
  const clip = resolveClip(a.clip, dirs.models, io.cwd ?? process.cwd());
  const out = a.out ?? path.join(dirs.models, 'declip', `${path.parse(a.dataFile).name}-${clip.name}.safetensors`);
  const checkpointFile = a.checkpoint ?? path.join(dirs.cache, 'declip-checkpoints', path.basename(out));
  if (a.resume && !existsSync(checkpointFile)) throw new Error(`--resume: no checkpoint at ${checkpointFile}`);
  const pool = new SessionPool({ device: deviceOption(a.device), log: (m) => io.stderr(`${m}\n`) });
  const bar = (line: string) => io.isTty && io.stderr(`\r${line}\x1b[K`);
  try {
    const job = await runTrainingJob({
      dataFile: a.dataFile, clip, pool, cacheDir: dirs.cache, out, views: a.views, config: a.config, checkpointFile, resume: a.resume,
      onEmbedProgress: (done, total) => bar(`embedding images ${done}/${total}`),
      onEmbedded: (e) => {
        bar('');
        io.stdout(`data: ${e.set.count} images used of ${e.records} rows, ${e.problems.length} bad rows skipped; ${e.fromCache ? 'cached' : 'computed'} embeddings ${e.cacheFile}\n`);
        for (const p of e.problems.slice(0, 20)) io.stdout(`  ${p.code}: ${p.message}\n`);
        if (e.problems.length > 20) io.stdout(`  … and ${e.problems.length - 20} more\n`);
      },
      onStep: (p) => bar(formatProgressBar(p)),
      onEpoch: (r, baseline, epochs) => {
        bar('');
        if (io.isTty) io.stderr('\r');
        io.stdout(`${formatEpoch(r, epochs, baseline)}\n`);
      },
    });
    io.stdout(`wrote ${job.out}\n`);
    return 0;
  } finally {
    await pool.dispose();
  }
}

export const declipCommand: CliCommand = {
  summary: 'train the DeCLIP projectors on I&2T data',
  run: (args) => runDeclipCli(args, { ...processIo, isTty: process.stderr.isTTY === true }),
};
