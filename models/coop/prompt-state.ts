/**
 * The resumable state of a prompt-learning run, as a safetensors file: tensors `context`, `m.context`, `v.context`
 * [S, M, d] (AdamW's moments) and, in `__metadata__`, the step count, the epochs done (the history), the options,
 * the pair, the tower identity and the data hash. A run resumed from it takes the same batches as an uninterrupted
 * one (batches depend only on seed and epoch), so it ends with the same context.
 */
import { z } from 'zod';
import { openSafetensors } from '../safetensors/read.js';
import { encodeSafetensors } from '../safetensors/write.js';
import { writeFileAtomic } from '../tiny/write-file.js';
import { promptEpochRecordSchema, promptTrainingConfigSchema, textTowerIdentitySchema, type PromptEpochRecord, type PromptTrainingConfig, type TextTowerIdentity } from './learned-prompt.js';
import type { PromptOptimizerState } from './prompt-runs.js';

const STATE_FORMAT = 'perceptgraph.coop-state.v1';

/** What a state file records besides the tensors. */
export interface PromptRunRecord {
  readonly config: PromptTrainingConfig;
  readonly pair: { readonly positive: string; readonly negative: string };
  readonly tower: TextTowerIdentity;
  /** sha256 of the training images and MOS. */
  readonly dataHash: string;
  readonly history: readonly PromptEpochRecord[];
}

const recordSchema = z.object({
  config: promptTrainingConfigSchema,
  pair: z.object({ positive: z.string(), negative: z.string() }),
  tower: textTowerIdentitySchema,
  dataHash: z.string(),
  history: z.array(promptEpochRecordSchema),
});

/** A state file's content. */
export interface PromptRunState {
  readonly state: PromptOptimizerState;
  readonly dims: [number, number, number];
  readonly record: PromptRunRecord;
}

/** Writes the state (through a temp file, so an interrupted write leaves the previous state intact). */
export function writePromptState(file: string, s: PromptRunState): void {
  const t = (data: Float32Array) => ({ dtype: 'F32' as const, shape: [...s.dims], data });
  writeFileAtomic(file, encodeSafetensors({ context: t(s.state.context), 'm.context': t(s.state.m), 'v.context': t(s.state.v) }, {
    format: STATE_FORMAT, step: String(s.state.step), record: JSON.stringify(s.record),
  }));
}

/** Reads a state file. @throws Error naming the file when it is not a prompt-learning state */
export async function readPromptState(file: string): Promise<PromptRunState> {
  const f = await openSafetensors(file);
  try {
    if (f.metadata.format !== STATE_FORMAT || !f.metadata.record) {
      throw new Error(`${file} is not a prompt-learning state file (metadata format '${f.metadata.format ?? 'none'}')`);
    }
    const record = recordSchema.parse(JSON.parse(f.metadata.record));
    const info = f.tensors.context;
    if (!info || !f.tensors['m.context'] || !f.tensors['v.context'] || info.shape.length !== 3) throw new Error(`${file}: state file lacks the context tensors`);
    const state = { context: await f.read('context'), m: await f.read('m.context'), v: await f.read('v.context'), step: Number(f.metadata.step) };
    return { state, dims: info.shape as [number, number, number], record };
  } finally {
    await f.close();
  }
}
