import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/api/server.js';
import { convertClipFile } from '../../models/clip/convert-clip.js';
import { createRuntime, type AppRuntime } from '../../app/runtime.js';

describe('createRuntime', () => {
  let runtime: AppRuntime;
  let server: RunningServer;

  beforeAll(async () => {
    runtime = await createRuntime({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'pg-rt-')), device: 'cpu' });
    server = await startServer({ engine: runtime.engine, dirs: runtime.dirs, port: 0, deviceInfo: runtime.deviceInfo, modelFolders: runtime.modelFolders, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await runtime.close();
  });

  it('builds the tiny models on first start and lists them per folder', async () => {
    expect(runtime.modelFolders()).toMatchObject({ checkpoints: ['tiny-sd15', 'tiny-sd15.safetensors'], clip: expect.arrayContaining(['tiny-clip', 'tiny-clip-h']) });
    const res = await fetch(`${server.url}/models/checkpoints`);
    expect(await res.json()).toEqual(['tiny-sd15', 'tiny-sd15.safetensors']);
  });

  it('registers every shipped pack, with combos from the store', () => {
    const info = runtime.engine.objectInfo();
    for (const t of ['SaveImage', 'KSampler', 'DeCLIPLoader', 'QualityScore', 'DPAdapterApply', 'GatedGenerate', 'TrainDeCLIP']) expect(info[t]).toBeDefined();
    expect(info.CheckpointLoaderONNX!.input.required.ckpt_name![0]).toEqual(['tiny-sd15']);
    expect(info.CheckpointLoaderSimple!.input.required.ckpt_name![0]).toEqual(['tiny-sd15', 'tiny-sd15.safetensors']);
  });

  it('reports the provider in use and the memory its sessions hold in /system_stats', async () => {
    const before = (await (await fetch(`${server.url}/system_stats`)).json()) as { devices: { type: string; sessions_loaded: number; memory_held: number }[] };
    expect(before.devices[0]).toMatchObject({ sessions_loaded: 0, memory_held: 0 });
    const clip = await convertClipFile({ file: path.join(runtime.dirs.models, 'clip', 'tiny-clip', 'model.safetensors'), cacheDir: runtime.dirs.cache });
    const session = await runtime.models.pool.get(clip.vision!.model);
    const size = session.inputs[0]!.shape.at(-1) as number;
    await session.run({ pixel_values: { data: new Float32Array(3 * size * size), dims: [1, 3, size, size] } });
    const after = (await (await fetch(`${server.url}/system_stats`)).json()) as typeof before;
    expect(after.devices[0]).toMatchObject({ type: 'cpu', sessions_loaded: 1 });
    expect(after.devices[0]!.memory_held).toBeGreaterThan(0);
  });
});
