/**
 * Prompt learning (CoOp, docs/coop.md) on a ViT-B/32-size text tower (width 512, 12 layers, 8 heads, 77 positions,
 * random F32 weights in the HF layout, text keys only; random-clip.ts): one fused tuning step (forward, eq. 8, MSE,
 * the hand-written backward through all 12 layers and AdamW, models/coop/prompt-graphs.ts) on a batch of cached
 * image embeddings, as a ratio to one forward encode of the same prompt pair with its context measured in the same
 * run (target ≤ 4×), and the wall time of one `trainPrompt` epoch over 10k cached embeddings.
 *
 * The two sessions are timed in alternating rounds and the best of each is taken (the machine is shared: the best
 * round is the one least slowed by other processes, and alternating gives both sides the same chances).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADAMW_GRAPH_DEFAULTS } from '../models/declip/train/adamw.js';
import { PROMPT_TRAINING_DEFAULTS } from '../models/coop/learned-prompt.js';
import { encodePromptPair, initialContext, runPromptStep, type PromptOptimizerState } from '../models/coop/prompt-runs.js';
import { openPromptSessions } from '../models/coop/prompt-sessions.js';
import { promptTokenRows } from '../models/coop/prompt-tokens.js';
import { trainPrompt } from '../models/coop/train-prompt.js';
import { QUALITY_PROMPTS } from '../models/iqa/prompts.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { ClipTokenizer } from '../models/tokenizers/clip-bpe.js';
import { buildTinyVocab, tokenizerFiles } from '../models/tiny/vocab.js';
import { VIT_B32, writeRandomClip } from './random-clip.js';

/** Options of {@link benchCoop}. */
export interface CoopBenchOptions {
  /** Images per step (default CoOp's 32, the CLI default). */
  readonly batch?: number;
  /** M (default 16). */
  readonly contextLength?: number;
  /** Alternating timing rounds (default 7, after one warm-up each). */
  readonly rounds?: number;
  /** Cached embeddings of the epoch timing (default 10 000; 0 skips it). */
  readonly epochImages?: number;
}

/** Figures of {@link benchCoop}. */
export interface CoopBench {
  /** Token positions of the prompt rows (BOS + M + the pair's words + EOS). */
  readonly tokens: number;
  readonly encodeMs: number;
  readonly stepMs: number;
  /** stepMs / encodeMs. */
  readonly ratio: number;
  /** One epoch (steps + the per-epoch evaluation of every image); NaN when skipped. */
  readonly epochSeconds: number;
  readonly epochSteps: number;
  readonly provider: string;
}


async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/** Runs the benchmark on the CPU session pool. */
export async function benchCoop(options: CoopBenchOptions = {}): Promise<CoopBench> {
  const batch = options.batch ?? PROMPT_TRAINING_DEFAULTS.batchSize, m = options.contextLength ?? 16, rounds = options.rounds ?? 7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-bench-coop-'));
  const pool = new SessionPool({ device: 'cpu', log: () => {} });
  try {
    const file = path.join(dir, 'clip-vit-b32-text-random.safetensors');
    writeRandomClip(file, VIT_B32, 'text');
    const tokDir = path.join(dir, 'tokenizer');
    fs.mkdirSync(tokDir);
    for (const [name, text] of Object.entries(tokenizerFiles(buildTinyVocab()))) fs.writeFileSync(path.join(tokDir, name), text);
    const tokenizer = await ClipTokenizer.fromDir(tokDir);
    const cacheDir = path.join(dir, 'cache');
    const sessions = await openPromptSessions({ tower: { file }, pool, cacheDir, contextLength: m, contextSets: 1, loss: 'mse', logitScale: 100 });
    const pair = QUALITY_PROMPTS.technical;
    const rows = promptTokenRows({ tokenizer, pair, contextLength: m, contextMode: 'shared', maxPositions: sessions.tower.structure.positions });
    const dims = [1, m, sessions.tower.structure.width] as const;
    const p = VIT_B32.embedDim;
    const state: PromptOptimizerState = {
      context: await initialContext({ session: sessions.encode, rows, dims }), m: new Float32Array(m * dims[2]), v: new Float32Array(m * dims[2]), step: 0,
    };
    const images = Float32Array.from({ length: batch * p }, () => Math.random() - 0.5);
    const target = Float32Array.from({ length: batch }, () => Math.random());
    const adamw = { ...ADAMW_GRAPH_DEFAULTS, lr: 2e-3, weightDecay: 0 };
    const encode = () => encodePromptPair({ session: sessions.encode, rows, dims, context: state.context });
    const step = () => runPromptStep(state, { session: sessions.step, rows, dims, adamw, images, dim: p, target });
    await encode();
    await step();
    const enc: number[] = [];
    const stp: number[] = [];
    for (let r = 0; r < rounds; r++) {
      enc.push(await timed(encode));
      stp.push(await timed(step));
    }
    const epochImages = options.epochImages ?? 10_000;
    let epochSeconds = NaN;
    let epochSteps = 0;
    if (epochImages > 0) {
      const data = { images: Float32Array.from({ length: epochImages * p }, () => Math.random() - 0.5), dim: p, mos: Array.from({ length: epochImages }, () => Math.random()) };
      const prompt = await trainPrompt({ tower: { file }, tokenizer, pair, data, pool, cacheDir, config: { epochs: 1, batchSize: batch, contextLength: m } });
      epochSeconds = prompt.metrics.history[0]!.seconds;
      epochSteps = prompt.metrics.history[0]!.step;
    }
    const encodeMs = Math.min(...enc), stepMs = Math.min(...stp);
    return { tokens: rows.dims[1], encodeMs, stepMs, ratio: stepMs / encodeMs, epochSeconds, epochSteps, provider: sessions.step.provider };
  } finally {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
