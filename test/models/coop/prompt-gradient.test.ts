/**
 * The hand-written backward pass through the whole text tower, checked against central differences of the step
 * graph's own loss on tiny towers of the real structure (d = 64, 4 heads, 2–12 layers, quick-GELU and GELU, HF and
 * OpenCLIP layouts), for both losses. Also: the prompt forward pass equals the converted CLIP text tower.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertClipFile } from '../../../models/clip/convert-clip.js';
import { promptTokenRows } from '../../../models/coop/prompt-tokens.js';
import { encodePromptPair, initialContext, promptGradient } from '../../../models/coop/prompt-runs.js';
import { openPromptSessions, type PromptSessions } from '../../../models/coop/prompt-sessions.js';
import type { PromptLoss } from '../../../models/coop/learned-prompt.js';
import { createRng } from '../../../models/onnx-builder/prng.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import type { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { tinyTokenizer, writeTinyClipWeights } from './fixtures.js';

let root: string;
let pool: SessionPool;
let tokenizer: ClipTokenizer;
const PAIR = { positive: 'Good photo.', negative: 'Bad photo.' };
const M = 4;
const B = 6;
const P = 32;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-coop-grad-'));
  pool = new SessionPool({ device: 'cpu' });
  tokenizer = await tinyTokenizer(root);
});
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

interface Case {
  readonly layout: 'hf' | 'openclip';
  readonly activation: 'quick_gelu' | 'gelu';
  readonly layers: number;
  readonly sets: 1 | 2;
  readonly loss: PromptLoss;
}

async function open(c: Case): Promise<PromptSessions> {
  const w = writeTinyClipWeights({ dir: path.join(root, 'weights'), layout: c.layout, activation: c.activation, layers: c.layers, embedDim: P });
  return openPromptSessions({
    tower: { ...w }, pool, cacheDir: path.join(root, 'cache'), contextLength: M, contextSets: c.sets, loss: c.loss,
    logitScale: 4, gradientGraph: true,
  });
}

describe('prompt encode graph', () => {
  it.each(['hf', 'openclip'] as const)('equals the converted CLIP text tower at the initial context (%s layout)', async (layout) => {
    const c: Case = { layout, activation: 'quick_gelu', layers: 2, sets: 2, loss: 'mse' };
    const s = await open(c);
    const rows = promptTokenRows({ tokenizer, pair: PAIR, contextLength: M, contextMode: 'per-class', maxPositions: s.tower.structure.positions });
    const dims = [2, M, s.tower.structure.width] as const;
    const context = await initialContext({ session: s.encode, rows, dims });
    const ours = await encodePromptPair({ session: s.encode, rows, dims, context });
    const w = writeTinyClipWeights({ dir: path.join(root, 'weights'), layout, activation: 'quick_gelu', layers: 2, embedDim: P });
    const converted = await convertClipFile({ file: w.file, config: w.config, cacheDir: path.join(root, 'cache') });
    const text = await pool.get(converted.text!.model);
    const ids = BigInt64Array.from(rows.ids, (v) => BigInt(v));
    const ref = floatOutput(await text.run({ input_ids: { data: ids, dims: rows.dims } }), 'text_embeds').data;
    for (let r = 0; r < 2; r++) {
      const row = ref.subarray(r * P, (r + 1) * P);
      const norm = Math.hypot(...row);
      for (let j = 0; j < P; j++) expect(ours[r * P + j]!).toBeCloseTo(row[j]! / norm, 4);
    }
    // A different context changes the embedding (the context is really used). Not a constant shift: every
    // LayerNorm removes that.
    const rng = createRng(5);
    const moved = await encodePromptPair({ session: s.encode, rows, dims, context: context.map((v) => v + 0.3 * rng.normal()) });
    expect(Math.max(...moved.map((v, i) => Math.abs(v - ours[i]!)))).toBeGreaterThan(1e-3);
  });
});

const CASES: Case[] = [
  { layout: 'hf', activation: 'quick_gelu', layers: 2, sets: 2, loss: 'mse' },
  { layout: 'hf', activation: 'quick_gelu', layers: 2, sets: 1, loss: 'fidelity' },
  { layout: 'openclip', activation: 'gelu', layers: 3, sets: 1, loss: 'mse' },
  { layout: 'openclip', activation: 'gelu', layers: 3, sets: 2, loss: 'fidelity' },
  { layout: 'hf', activation: 'gelu', layers: 12, sets: 2, loss: 'mse' },
  { layout: 'hf', activation: 'quick_gelu', layers: 12, sets: 1, loss: 'fidelity' },
];

describe('prompt step graph (optimizer none): ∂loss/∂context', () => {
  it.each(CASES)('matches central differences: $layout $activation L=$layers sets=$sets $loss', async (c) => {
    const s = await open(c);
    const d = s.tower.structure.width;
    const rows = promptTokenRows({ tokenizer, pair: PAIR, contextLength: M, contextMode: c.sets === 1 ? 'shared' : 'per-class', maxPositions: s.tower.structure.positions });
    const dims = [c.sets, M, d] as const;
    const rng = createRng(11);
    const context = (await initialContext({ session: s.encode, rows, dims })).map((v) => v + 0.2 * rng.normal());
    const images = Float32Array.from({ length: B * P }, () => rng.normal());
    const target = Float32Array.from({ length: B }, () => rng.uniform());
    const call = { session: s.gradient!, rows, dims, images, dim: P, target };
    const { grad, loss } = await promptGradient({ ...call, context });
    expect(Number.isFinite(loss)).toBe(true);
    const lossAt = async (x: Float32Array) => (await promptGradient({ ...call, context: x })).loss;
    const h = 1e-2;
    // The largest entries plus a spread of others: every set and every slot is probed.
    const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!));
    const probe = [...order.slice(0, 8), ...Array.from({ length: 8 }, (_, i) => Math.floor(((i + 0.5) / 8) * grad.length))];
    let num = 0;
    let den = 0;
    for (const i of probe) {
      const plus = context.slice();
      const minus = context.slice();
      plus[i]! += h;
      minus[i]! -= h;
      const fd = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * h);
      num += (grad[i]! - fd) ** 2;
      den += fd ** 2;
    }
    expect(den).toBeGreaterThan(0);
    expect(Math.sqrt(num / den)).toBeLessThan(2e-2);
  });
});
