/**
 * One complete training job, shared by `perceptgraph declip train` and the `TrainDeCLIP` node: embed (or load the
 * cached embeddings of) an I&2T file with a frozen CLIP, train both projectors, write the projector file.
 */
import path from 'node:path';
import type { ClipManifest } from '../../store/manifests.js';
import { embedDataset, type EmbeddedDataset } from './embedding-cache.js';
import type { HeldOutMetrics } from './evaluate.js';
import { writeProjectorFile, type EpochRecord } from './projector-file.js';
import { trainProjectors, type StepProgress, type TrainProjectorsOptions, type TrainResult } from './trainer.js';

/** Options of {@link runTrainingJob}; the pool, config, callbacks and signal go on to {@link trainProjectors}. */
export interface TrainingJobOptions extends Pick<TrainProjectorsOptions, 'pool' | 'config' | 'onStep' | 'onEpoch' | 'signal'> {
  readonly dataFile: string;
  readonly clip: ClipManifest;
  /** Cache root (the data dir's `cache/`): embeddings and generated graphs go below it. */
  readonly cacheDir: string;
  /** Projector safetensors to write. */
  readonly out: string;
  /** Crops per image K (default 4). */
  readonly views?: number;
  /** Checkpoint written after each epoch. */
  readonly checkpointFile: string;
  /** Continue from `checkpointFile`. */
  readonly resume?: boolean;
  readonly onEmbedProgress?: (done: number, total: number) => void;
  readonly onEmbedded?: (e: EmbeddedDataset) => void;
}

/** What a finished job returns. */
export interface TrainingJobResult {
  readonly out: string;
  readonly embedded: EmbeddedDataset;
  readonly result: TrainResult;
}

/** Runs the job; see the module comment. */
export async function runTrainingJob(o: TrainingJobOptions): Promise<TrainingJobResult> {
  const embedded = await embedDataset({
    dataFile: o.dataFile, clip: o.clip, pool: o.pool, cacheDir: path.join(o.cacheDir, 'declip-embeddings'), modelCacheDir: o.cacheDir,
    views: o.views, seed: o.config?.seed, onProgress: o.onEmbedProgress, signal: o.signal,
  });
  o.onEmbedded?.(embedded);
  const result = await trainProjectors({
    data: embedded.set, config: o.config, pool: o.pool, graphDir: path.join(o.cacheDir, 'declip-train-graphs'), clip: o.clip.name,
    resumeFrom: o.resume ? o.checkpointFile : undefined, checkpointFile: o.checkpointFile,
    onStep: o.onStep, onEpoch: o.onEpoch, signal: o.signal,
  });
  writeProjectorFile(o.out, result.params, result.record);
  return { out: o.out, embedded, result };
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(5);

/** One log line per epoch: losses, then R@1/R@5 (%) per head with the zero-init baseline in brackets. */
export function formatEpoch(r: EpochRecord, epochs: number, baseline?: HeldOutMetrics): string {
  const head = `epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${r.trainLoss.toFixed(4)}`;
  if (!r.val) return `${head}  (no validation split)  ${r.seconds.toFixed(1)} s`;
  const part = (h: 'perceptual' | 'semantic') => {
    const v = r.val![h];
    const b = baseline?.[h];
    return `${h} R@1 ${pct(v.r1)}% R@5 ${pct(v.r5)}%` + (b ? ` (zero-init ${pct(b.r1)}% / ${pct(b.r5)}%)` : '');
  };
  return `${head}  val loss ${r.val.loss.toFixed(4)} | ${part('perceptual')} | ${part('semantic')}  ${r.seconds.toFixed(1)} s`;
}

/** A one-line text progress bar, e.g. `[#########-----------]  45% epoch 3/200 step 10/22 loss 7.1234`. */
export function formatProgressBar(p: StepProgress, width = 24): string {
  const done = (p.epoch - 1 + p.step / p.steps) / p.epochs;
  const filled = Math.round(done * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct(done)}% epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}`;
}
