/**
 * The trainer's files: the projector safetensors of docs/model-folders.md (what `DeCLIPLoader` reads) with the training record
 * in `__metadata__`, and resumable checkpoints (the same tensors plus AdamW moments).
 */
import { openSafetensors } from '../../safetensors/read.js';
import { writeSafetensors, type SafetensorsTensorInput } from '../../safetensors/write.js';
import type { TrainConfig } from './config.js';
import type { HeldOutMetrics } from './evaluate.js';
import { checkParams, paramDims, paramNames, type ProjectorParams, type ProjectorShape } from './params.js';
import type { OptimizerState } from './session-ops.js';

/** One epoch's log line. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  readonly step: number;
  /** Mean training loss (sum of both heads) over the epoch's steps. */
  readonly trainLoss: number;
  /** Held-out metrics; absent when nothing is held out. */
  readonly val?: HeldOutMetrics;
  readonly seconds: number;
}

/** What the output and the checkpoints record about the run. */
export interface TrainingRecord {
  readonly config: TrainConfig;
  readonly shape: ProjectorShape;
  readonly dataHash: string;
  /** CLIP model identity the projectors belong to (name or key). */
  readonly clip: string;
  /** Zero-init (vanilla CLIP) held-out metrics. */
  readonly baseline?: HeldOutMetrics;
  readonly history: readonly EpochRecord[];
}

function tensorsOf(params: ProjectorParams, shape: ProjectorShape, prefix = ''): Record<string, SafetensorsTensorInput> {
  return Object.fromEntries(paramNames().map((n) => [`${prefix}${n}`, { dtype: 'F32', shape: paramDims(n, shape), data: params[n]! }]));
}

/** `__metadata__` of a projector file: the keys of the tiny builder's format plus the training record as JSON. */
export function projectorMetadata(r: TrainingRecord): Record<string, string> {
  const last = r.history.at(-1);
  return {
    format: 'declip-projectors',
    embed_dim: String(r.shape.embedDim),
    hidden_dim: String(r.shape.hiddenDim),
    clip: r.clip,
    data_hash: r.dataHash,
    training_config: JSON.stringify(r.config),
    epochs_done: String(last?.epoch ?? 0),
    metrics: JSON.stringify({ final: last ?? null, baseline: r.baseline ?? null }),
    history: JSON.stringify(r.history),
  };
}

/** Writes the projector file (F32 tensors in docs/model-folders.md names). */
export function writeProjectorFile(file: string, params: ProjectorParams, record: TrainingRecord): void {
  checkParams(params, record.shape, file);
  writeSafetensors(file, tensorsOf(params, record.shape), projectorMetadata(record));
}

/** A checkpoint's content. */
export interface Checkpoint {
  readonly state: OptimizerState;
  readonly record: TrainingRecord;
}

/** Writes a checkpoint: parameters, `m.*`, `v.*` moments, and the step and record in the metadata. */
export function writeCheckpoint(file: string, c: Checkpoint): void {
  const { state, record } = c;
  const tensors = { ...tensorsOf(state.params, record.shape), ...tensorsOf(state.m, record.shape, 'm.'), ...tensorsOf(state.v, record.shape, 'v.') };
  writeSafetensors(file, tensors, { ...projectorMetadata(record), format: 'declip-train-checkpoint', step: String(state.step), record: JSON.stringify(record) });
}

/** Reads a checkpoint written by {@link writeCheckpoint}; throws naming the file when it is not one. */
export async function readCheckpoint(file: string): Promise<Checkpoint> {
  const f = await openSafetensors(file);
  try {
    if (f.metadata.format !== 'declip-train-checkpoint' || !f.metadata.record) {
      throw new Error(`${file} is not a DeCLIP training checkpoint (metadata format '${f.metadata.format ?? 'none'}')`);
    }
    const record = JSON.parse(f.metadata.record) as TrainingRecord;
    const read = async (prefix: string) => {
      const out: ProjectorParams = {};
      for (const n of paramNames()) {
        if (!f.tensors[`${prefix}${n}`]) throw new Error(`checkpoint ${file} lacks tensor '${prefix}${n}'`);
        out[n] = await f.read(`${prefix}${n}`);
      }
      checkParams(out, record.shape, `checkpoint ${file}`);
      return out;
    };
    const state: OptimizerState = { params: await read(''), m: await read('m.'), v: await read('v.'), step: Number(f.metadata.step) };
    return { state, record };
  } finally {
    await f.close();
  }
}
