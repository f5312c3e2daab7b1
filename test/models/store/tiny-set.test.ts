import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRuntime, type ModelRuntime } from '../../../models/runtime/model-runtime.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { convertClipFile } from '../../../models/clip/convert-clip.js';
import { checkIpUnetSignature } from '../../../models/store/ip-unet-signature.js';
import { ensureTinyModels } from '../../../models/tiny/setup.js';

let root: string;
let runtime: ModelRuntime;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-tinyset-'));
  ensureTinyModels(root);
  runtime = createModelRuntime({ modelsDir: root, device: 'cpu', ortLogLevel: 'fatal' });
});
afterAll(async () => {
  await runtime.dispose();
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}-cache`, { recursive: true, force: true });
});

describe('ModelStore on the tiny model set', () => {
  it('lists every tiny model as usable', () => {
    const { store } = runtime;
    expect(store.problems()).toEqual([]);
    expect(store.names('checkpoints')).toEqual(['tiny-sd15', 'tiny-sd15.safetensors']);
    expect(store.names('vae')).toEqual(['tiny-vae.safetensors']);
    expect(store.names('clip')).toEqual(['tiny-clip', 'tiny-clip-h']);
    expect(store.names('ipadapter')).toEqual(['tiny-ip-adapter_sd15-ldm.safetensors', 'tiny-ip-adapter_sd15.safetensors']);
    expect(store.names('declip')).toEqual(['tiny-declip-h-init.safetensors', 'tiny-declip-h.safetensors', 'tiny-declip.safetensors']);
    expect(store.resolveIpAdapter('tiny-ip-adapter_sd15.safetensors')).toMatchObject({ imageEmbedDim: 1024, crossAttentionDim: 768, tokens: 4, ipLayers: 16 });
    expect(store.resolveDeclip('tiny-declip-h.safetensors')).toMatchObject({ embedDim: 1024, hiddenDim: 64 });
  });

  it('resolves a checkpoint whose IP UNet loads with the docs/model-folders.md signature and runs through the cast layer', async () => {
    const m = runtime.store.resolveCheckpoint('tiny-sd15');
    expect(m.ipUnet).toBeDefined();
    const unet = await runtime.pool.get(m.ipUnet!.model);
    const sig = checkIpUnetSignature(m.ipUnet!.model, unet.inputs);
    expect(sig).toEqual({ ok: true, scaleInput: 'ipadapter_scale', scaleLayers: 16 });
    const sample = unet.input('sample')!;
    const [h, w] = [8, 8];
    const feeds = {
      sample: { data: new Float32Array(4 * h * w).fill(0.1), dims: [1, 4, h, w] },
      timestep: { data: [946.42], dims: [] },
      encoder_hidden_states: { data: new Float32Array(81 * 768).fill(0.01), dims: [1, 81, 768] },
      ipadapter_scale: { data: new Float32Array(16).fill(1), dims: [16] },
    };
    expect(sample.shape).toHaveLength(4);
    const out = floatOutput(await unet.run(feeds), 'out_sample', m.ipUnet!.model);
    expect(out.dims).toEqual([1, 4, h, w]);
    expect(out.data.every(Number.isFinite)).toBe(true);
    // The plain UNet is not IP-capable, and the check says why.
    const plain = await runtime.pool.get(m.unet.model);
    const bad = checkIpUnetSignature('unet/model.onnx', plain.inputs);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join('; ')).toMatch(/has no ipadapter_scale \/ ip_adapter_scale input/);
  });

  it('resolves both tiny CLIPs to HF .safetensors folders whose converted towers load with the split signature', async () => {
    for (const [name, d] of [['tiny-clip', 64], ['tiny-clip-h', 1024]] as const) {
      const m = runtime.store.resolveClip(name);
      expect(m.safetensors).toMatchObject({ file: path.join(root, 'clip', name, 'model.safetensors'), layout: 'hf' });
      expect([m.vision, m.text, m.full]).toEqual([undefined, undefined, undefined]);
      const c = await convertClipFile({ file: m.safetensors!.file, cacheDir: path.join(root, '..', `${path.basename(root)}-cache`), config: m.safetensors!.config });
      const vision = await runtime.pool.get(c.vision!.model);
      const text = await runtime.pool.get(c.text!.model);
      expect(vision.inputs.map((i) => i.name)).toEqual(['pixel_values']);
      expect(vision.outputs.find((o) => o.name === 'image_embeds')?.shape).toEqual(['batch', d]);
      expect(text.outputs.find((o) => o.name === 'text_embeds')?.shape).toEqual(['batch', d]);
      expect(c.vision!.structure).toMatchObject({ heads: 4, activation: 'quick_gelu', imageSize: 224, patchSize: 32 });
    }
    expect(runtime.pool.stats().sessionsLoaded).toBeGreaterThanOrEqual(6);
  });
});
