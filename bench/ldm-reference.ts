/**
 * Our built SD1.5 UNet graph (models/ldm/unet-graph.ts) against a torch.onnx.export of the reference
 * implementation (CompVis/stable-diffusion UNetModel) with the same weights, both on the same session pool (so the
 * same ONNX Runtime session options), same inputs, alternating runs, best of N. The reference model is made outside
 * the repo (docs/ldm-checkpoints.md, "Reference-exporter benchmark"): CI has no Python, so the group skips unless
 * LDM_REF_ONNX and LDM_REF_CHECKPOINT name the exported model and the checkpoint it was exported from.
 *
 * `tsx bench/ldm-reference.ts write-checkpoint FILE [CHANNELS]` writes that checkpoint: random F16 values in the
 * SD1.5 key layout, UNet at CHANNELS (default 320 = full size), tiny VAE and text tower (only the UNet is timed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertLdmCheckpoint } from '../models/ldm/convert.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { floatOutput } from '../models/onnx/tensor-types.js';
import { SD15_LDM_CONFIG, TINY_LDM_CONFIG, type LdmCheckpointConfig } from '../models/tiny/ldm-checkpoint.js';
import { writeRandomF16Checkpoint } from './ldm-convert.js';

/** SD1.5's UNet block structure at `modelChannels`, with the tiny VAE and text tower. */
export function referenceBenchConfig(modelChannels: number): LdmCheckpointConfig {
  return { ...TINY_LDM_CONFIG, unet: { ...SD15_LDM_CONFIG.unet, modelChannels } };
}

export interface LdmReferenceFigures {
  readonly oursSeconds: number;
  readonly referenceSeconds: number;
  /** ours / reference: below 1 means our graph is faster. */
  readonly ratio: number;
  readonly maxAbsDiff: number;
  readonly maxAbsOutput: number;
  readonly rounds: number;
  /** Every round's time, in run order, so a reader sees how much the shared machine moved them. */
  readonly oursRoundSeconds: readonly number[];
  readonly referenceRoundSeconds: readonly number[];
}

/** Deterministic inputs in [-1, 1) (a fill would hide layout mistakes that the diff check should catch). */
function pseudoRandom(n: number, seed: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = (s / 2 ** 31 - 1) * scale;
  }
  return a;
}

/** Times one UNet step at 512² (batch 2, as CFG runs it) for both graphs; undefined when the env is not set. */
export async function benchLdmReference(rounds = Number(process.env.LDM_REF_ROUNDS ?? 3)): Promise<LdmReferenceFigures | undefined> {
  const refOnnx = process.env.LDM_REF_ONNX;
  const checkpoint = process.env.LDM_REF_CHECKPOINT;
  if (!refOnnx || !checkpoint) return undefined;
  const cacheDir = process.env.LDM_REF_CACHE ?? mkdtempSync(path.join(os.tmpdir(), 'pg-bench-ldm-ref-'));
  const pool = new SessionPool({ device: 'cpu' });
  try {
    const c = await convertLdmCheckpoint({ file: checkpoint, cacheDir });
    const ours = await pool.get(c.unet.model);
    const reference = await pool.get(refOnnx);
    const feeds = () => ({
      sample: { data: pseudoRandom(2 * 4 * 64 * 64, 1, 1), dims: [2, 4, 64, 64] },
      timestep: { data: Float32Array.of(500), dims: [1] },
      encoder_hidden_states: { data: pseudoRandom(2 * 77 * 768, 2, 1), dims: [2, 77, 768] },
    });
    const step = async (s: typeof ours) => {
      const t = performance.now();
      const out = floatOutput(await s.run(feeds()), 'out_sample');
      return { seconds: (performance.now() - t) / 1000, out };
    };
    const oursRoundSeconds: number[] = [];
    const referenceRoundSeconds: number[] = [];
    let maxAbsDiff = 0;
    let maxAbsOutput = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await step(ours);
      const b = await step(reference);
      oursRoundSeconds.push(a.seconds);
      referenceRoundSeconds.push(b.seconds);
      for (let i = 0; i < a.out.data.length; i++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a.out.data[i]! - b.out.data[i]!));
        maxAbsOutput = Math.max(maxAbsOutput, Math.abs(b.out.data[i]!));
      }
    }
    const oursSeconds = Math.min(...oursRoundSeconds);
    const referenceSeconds = Math.min(...referenceRoundSeconds);
    return {
      oursSeconds,
      referenceSeconds,
      ratio: oursSeconds / referenceSeconds,
      maxAbsDiff,
      maxAbsOutput,
      rounds,
      oursRoundSeconds,
      referenceRoundSeconds,
    };
  } finally {
    await pool.dispose();
    if (!process.env.LDM_REF_CACHE) rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'write-checkpoint') {
  const file = process.argv[3];
  const channels = Number(process.argv[4] ?? 320);
  if (!file || !Number.isInteger(channels) || channels <= 0 || channels % 32 !== 0) {
    console.error('usage: tsx bench/ldm-reference.ts write-checkpoint FILE [CHANNELS, a multiple of 32]');
    process.exit(2);
  }
  console.log(`${file}: ${writeRandomF16Checkpoint(file, referenceBenchConfig(channels))} bytes`);
}
