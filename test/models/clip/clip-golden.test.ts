/**
 * The CLIP towers built from weights against golden numbers of a public reference implementation (open_clip_torch
 * 3.3.0 under torch 1.13, scripts/golden/clip_golden.py) on the same seeded weights, in both key layouts and with
 * both activations: text hidden states at stop_at_clip_layer −1, −2, −3 (through ln_final, as ComfyUI), text_embeds,
 * image_embeds, last_hidden_state and penultimate_hidden_states, each within 1e-4 relative (max |Δ| / max |ref|) in fp32.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipKeyLayout } from '../../../models/clip/clip-layers.js';
import { buildHfTextTower, readHfTextTower } from '../../../models/clip/hf-text-tower.js';
import { buildClipVisionTower, readClipVisionTower } from '../../../models/clip/vision-tower.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { openSafetensors, type SafetensorsFile } from '../../../models/safetensors/read.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { GOLDEN_CLIP_CONFIG as C, buildOpenClipTensors, openClipToHf } from '../../../models/tiny/clip-safetensors.js';
import { WeightPlan } from '../../../models/weights/weight-plan.js';
import { maxAbsDiff } from '../../support/arrays.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/clip');
const VARIANTS = [
  { name: 'quick-gelu', seed: 5, activation: 'quick_gelu' },
  { name: 'gelu', seed: 6, activation: 'gelu' },
] as const;
const TOL = 1e-4;

let root: string;
let pool: SessionPool;
const opened: SafetensorsFile[] = [];

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-clip-golden-'));
  pool = new SessionPool({ device: 'cpu' });
});
afterAll(async () => {
  for (const f of opened) await f.close();
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function open(file: string): Promise<SafetensorsFile> {
  const f = await openSafetensors(file);
  opened.push(f);
  return f;
}

function relErr(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  return maxAbsDiff(got, want) / Math.max(...Array.from(want, Math.abs));
}

/** Writes a graph and its weights, returns the session. */
async function session(src: SafetensorsFile, name: string, build: (w: WeightPlan) => { toBytes(): Uint8Array }) {
  const w = new WeightPlan({ file: src.path, tensors: src.tensors, location: `${name}.onnx.data` });
  writeFileSync(path.join(root, `${name}.onnx`), build(w).toBytes());
  await w.writeData(src, path.join(root, `${name}.onnx.data`));
  return pool.get(path.join(root, `${name}.onnx`));
}

describe.each(VARIANTS)('golden $name', ({ name, seed, activation }) => {
  let golden: SafetensorsFile;
  const files: Record<ClipKeyLayout, string> = { hf: '', openclip: '' };
  beforeAll(async () => {
    golden = await open(path.join(FIXTURES, `golden-${name}.safetensors`));
    const oc = buildOpenClipTensors(C, seed);
    files.openclip = path.join(root, `${name}-openclip.safetensors`);
    files.hf = path.join(root, `${name}-hf.safetensors`);
    writeSafetensors(files.openclip, oc);
    writeSafetensors(files.hf, openClipToHf(oc, C));
  });

  it.each(['hf', 'openclip'] as const)('text tower (%s layout) matches at stop_at_clip_layer −1, −2, −3', async (layout) => {
    const src = await open(files[layout]);
    const keys = Object.keys(src.tensors);
    const prefix = layout === 'hf' ? 'text_model.' : '';
    const projectionKey = layout === 'hf' ? 'text_projection.weight' : 'text_projection';
    const ids = { data: BigInt64Array.from(await golden.read('input_ids'), (v) => BigInt(v)), dims: [2, C.text.positions] };
    for (const stop of [-1, -2, -3]) {
      const s = await session(src, `${name}-${layout}-text${stop}`, (w) => {
        const structure = readHfTextTower(w, keys, prefix, { layout, projectionKey, config: { hidden_act: activation } });
        expect(structure).toMatchObject({ width: 128, heads: 2, layers: 3, projectionDim: 32, activation });
        return buildHfTextTower({ structure, weights: w, prefix, stopAtLayer: stop, idsType: 'int64' });
      });
      const out = await s.run({ input_ids: ids });
      expect(relErr(floatOutput(out, 'last_hidden_state').data, await golden.read(`hidden_stop${-stop}`))).toBeLessThan(TOL);
      expect(relErr(floatOutput(out, 'text_embeds').data, await golden.read('text_embeds'))).toBeLessThan(TOL);
    }
  }, 60_000);

  it.each(['hf', 'openclip'] as const)('vision tower (%s layout) matches image_embeds and hidden states', async (layout) => {
    const src = await open(files[layout]);
    const s = await session(src, `${name}-${layout}-vision`, (w) => {
      const structure = readClipVisionTower(w, Object.keys(src.tensors), { layout, config: { hidden_act: activation } });
      expect(structure).toMatchObject({ width: 128, heads: 2, layers: 2, patchSize: 8, imageSize: 32, projectionDim: 32 });
      return buildClipVisionTower(structure, w);
    });
    const out = await s.run({ pixel_values: { data: await golden.read('pixel_values'), dims: [2, 3, 32, 32] } });
    for (const key of ['image_embeds', 'last_hidden_state', 'penultimate_hidden_states']) {
      expect(relErr(floatOutput(out, key).data, await golden.read(key)), key).toBeLessThan(TOL);
    }
  }, 60_000);
});
