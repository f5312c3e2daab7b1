/**
 * The HF CLIP text tower built from a file's own weights: sizes read from the shapes, ComfyUI's CLIPSetLastLayer
 * semantics (the chosen layer's state through final_layer_norm, pooled output from the last layer), the causal
 * mask, `inputs_embeds` in place of the token table, the projection, and errors that name the file.
 * Golden numbers from a reference implementation are in hf-clip-golden.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHfTextTower, readHfTextTower, type HfTextTowerStructure } from '../../../models/clip/hf-text-tower.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { openSafetensors, type SafetensorsFile } from '../../../models/safetensors/read.js';
import { writeSafetensors, type SafetensorsTensorInput } from '../../../models/safetensors/write.js';
import { clipTextShapes, seededTensor } from '../../../models/tiny/ldm-checkpoint.js';
import { WeightPlan } from '../../../models/weights/weight-plan.js';
import { maxAbsDiff } from '../../support/arrays.js';

const TEXT = { vocabSize: 50, width: 32, layers: 3, intermediate: 64, positions: 12 };
const P = 16;
const PREFIX = 'text_model.';
let root: string;
let pool: SessionPool;
let file: string;
let source: SafetensorsFile;

function tensors(): Record<string, SafetensorsTensorInput> {
  const s = new Map<string, number[]>();
  clipTextShapes(s, TEXT, PREFIX);
  s.set('text_projection.weight', [P, TEXT.width]);
  const out: Record<string, SafetensorsTensorInput> = {};
  for (const [key, shape] of s) out[key] = { dtype: 'F32', shape, data: seededTensor(3, key, shape) };
  return out;
}

/** Builds and writes the graph for `stop`, returns the session. */
async function tower(stop: number, o: { inputsEmbeds?: boolean; structure?: HfTextTowerStructure } = {}) {
  const name = `text${stop}${o.inputsEmbeds ? 'e' : ''}`;
  const w = new WeightPlan({ file, tensors: source.tensors, location: `${name}.onnx.data` });
  const structure = o.structure ?? readHfTextTower(w, Object.keys(source.tensors), PREFIX, { projectionKey: 'text_projection.weight', config: { num_attention_heads: 4 } });
  const b = buildHfTextTower({ structure, weights: w, prefix: PREFIX, stopAtLayer: stop, idsType: 'int64', inputsEmbeds: o.inputsEmbeds });
  writeFileSync(path.join(root, `${name}.onnx`), b.toBytes());
  await w.writeData(source, path.join(root, `${name}.onnx.data`));
  return pool.get(path.join(root, `${name}.onnx`));
}

const IDS = [48, 3, 7, 11, 49, 49, 49, 49, 48, 20, 21, 49]; // row 2 ends at its last token
const ids = { data: BigInt64Array.from([...IDS.slice(0, 12), ...IDS.slice(4), ...IDS.slice(0, 4)].map(BigInt)), dims: [2, 12] };

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-hf-text-'));
  pool = new SessionPool({ device: 'cpu' });
  file = path.join(root, 'clip.safetensors');
  writeSafetensors(file, tensors());
  source = await openSafetensors(file);
}, 60_000);
afterAll(async () => {
  await source?.close();
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('readHfTextTower', () => {
  it('reads sizes from the shapes, heads from the config, and the activation rule by width', () => {
    const w = new WeightPlan({ file, tensors: source.tensors, location: 'x' });
    const keys = Object.keys(source.tensors);
    const s = readHfTextTower(w, keys, PREFIX, { projectionKey: 'text_projection.weight' });
    expect(s).toMatchObject({ ...TEXT, heads: 1, activation: 'quick_gelu', projectionDim: P, projectionKey: 'text_projection.weight' });
    expect(readHfTextTower(w, keys, PREFIX, { config: { num_attention_heads: 4, hidden_act: 'gelu' } })).toMatchObject({ heads: 4, activation: 'gelu', projectionDim: 0 });
  });

  it('names the file and the key when a needed tensor is missing', () => {
    const w = new WeightPlan({ file, tensors: source.tensors, location: 'x' });
    expect(() => readHfTextTower(w, [], 'cond_stage_model.transformer.text_model.')).toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: tensor "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight" is missing`),
    );
  });
});

describe('buildHfTextTower', () => {
  it('follows CLIPSetLastLayer: each stop gives another hidden state, the pooled output stays the last layer', async () => {
    const out = async (stop: number) => (await tower(stop)).run({ input_ids: ids });
    const [l1, l2, l3] = [await out(-1), await out(-2), await out(-3)];
    const hidden = (o: typeof l1) => floatOutput(o, 'last_hidden_state');
    expect(hidden(l1).dims).toEqual([2, 12, TEXT.width]);
    expect(maxAbsDiff(hidden(l1).data, hidden(l2).data)).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(hidden(l2).data, hidden(l3).data)).toBeGreaterThan(1e-2);
    for (const o of [l2, l3]) {
      expect(maxAbsDiff(floatOutput(o, 'pooler_output').data, floatOutput(l1, 'pooler_output').data)).toBeLessThan(1e-6);
      expect(maxAbsDiff(floatOutput(o, 'text_embeds').data, floatOutput(l1, 'text_embeds').data)).toBeLessThan(1e-6);
    }
    expect(floatOutput(l1, 'text_embeds').dims).toEqual([2, P]);
    expect(hidden(l3).data.every(Number.isFinite)).toBe(true);
  }, 60_000);

  it('pools at the first end token (the largest id) and projects with text_projection', async () => {
    const o = await (await tower(-1)).run({ input_ids: ids });
    const h = floatOutput(o, 'last_hidden_state');
    const pooled = floatOutput(o, 'pooler_output').data;
    const d = TEXT.width;
    expect(maxAbsDiff(pooled.subarray(0, d), h.data.subarray(4 * d, 5 * d))).toBe(0); // row 0: first 49 at 4
    expect(maxAbsDiff(pooled.subarray(d), h.data.subarray((12 + 0) * d, (12 + 1) * d))).toBe(0); // row 1 starts with 49
    const proj = (await source.read('text_projection.weight'));
    const want = Array.from({ length: P }, (_, r) => pooled.subarray(0, d).reduce((a, v, c) => a + v * proj[r * d + c]!, 0));
    expect(maxAbsDiff(floatOutput(o, 'text_embeds').data.subarray(0, P), Float32Array.from(want))).toBeLessThan(1e-4);
  }, 60_000);

  it('is causal: a later token does not change earlier states', async () => {
    const s = await tower(-2);
    const run = async (last: number) => floatOutput(await s.run({ input_ids: { data: BigInt64Array.from([1, 2, 3, 4, 49, BigInt(last)].map(BigInt)), dims: [1, 6] } }), 'last_hidden_state').data;
    const [a, b] = [await run(5), await run(30)];
    const d = TEXT.width;
    expect(maxAbsDiff(a.subarray(0, 5 * d), b.subarray(0, 5 * d))).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.subarray(5 * d), b.subarray(5 * d))).toBeGreaterThan(1e-3);
  }, 60_000);

  it('takes token embeddings in place of the table lookup (inputs_embeds)', async () => {
    const table = await source.read(`${PREFIX}embeddings.token_embedding.weight`);
    const d = TEXT.width;
    const emb = new Float32Array(2 * 12 * d);
    Array.from(ids.data, Number).forEach((id, i) => emb.set(table.subarray(id * d, (id + 1) * d), i * d));
    const a = await (await tower(-2)).run({ input_ids: ids });
    const b = await (await tower(-2, { inputsEmbeds: true })).run({ input_ids: ids, inputs_embeds: { data: emb, dims: [2, 12, d] } });
    for (const name of ['last_hidden_state', 'pooler_output', 'text_embeds']) {
      expect(maxAbsDiff(floatOutput(a, name).data, floatOutput(b, name).data)).toBeLessThan(1e-6);
    }
  }, 60_000);

  it('refuses a stop outside −1 … −layers, and a wrong shape naming the file and both shapes', async () => {
    await expect(tower(-4)).rejects.toThrow(/stop_at_clip_layer -4 is outside −1 … −3/);
    const w = new WeightPlan({ file, tensors: source.tensors, location: 'x' });
    const s = readHfTextTower(w, Object.keys(source.tensors), PREFIX);
    expect(() => buildHfTextTower({ structure: { ...s, intermediate: 65 }, weights: w, prefix: PREFIX })).toThrow(
      /tensor "text_model.encoder.layers.0.mlp.fc1.weight" is \[64, 32\] but the architecture derived from this file needs \[65, 32\]/,
    );
  });
});
