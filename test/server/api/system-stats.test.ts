/** `/system_stats` carries every field ComfyUI's frontend validates, next to ours. */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comfyDevice } from '../../../server/api/routes/system.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes, deviceInfo: () => [{ name: 'onnxruntime:cpu', type: 'cpu', index: 0, memory_held: 1234, sessions_loaded: 2 }] });
});
afterAll(() => s.close());

describe('GET /system_stats', () => {
  it('has ComfyUI\'s system keys and device keys with the right types, our fields kept', async () => {
    const { system, devices } = (await s.getJson('/system_stats')).body;
    for (const k of ['os', 'python_version', 'comfyui_version', 'pytorch_version', 'required_frontend_version']) expect(typeof system[k]).toBe('string');
    for (const k of ['ram_total', 'ram_free']) expect(typeof system[k]).toBe('number');
    expect(system.embedded_python).toBe(false);
    expect(Array.isArray(system.argv)).toBe(true);
    expect(system.perceptgraph_version).toBe(system.comfyui_version);
    expect(devices).toEqual([{
      name: 'onnxruntime:cpu', type: 'cpu', index: 0, memory_held: 1234, sessions_loaded: 2,
      vram_total: os.totalmem(), vram_free: expect.any(Number), torch_vram_total: 1234, torch_vram_free: 0,
    }]);
  });
});

describe('comfyDevice', () => {
  it('keeps given values, gives a GPU device 0 memory when unknown, and names nameless entries', () => {
    expect(comfyDevice({ name: 'cuda:0', type: 'cuda', index: 0, vram_total: 8, vram_free: 4 }, 0)).toMatchObject({ vram_total: 8, vram_free: 4, torch_vram_total: 0 });
    expect(comfyDevice({ type: 'cuda' }, 3)).toEqual({ name: 'device:3', type: 'cuda', index: 3, vram_total: 0, vram_free: 0, torch_vram_total: 0, torch_vram_free: 0 });
    expect(comfyDevice({ worker_id: 'w1' }, 1)).toMatchObject({ worker_id: 'w1', type: 'cpu', vram_total: os.totalmem() });
  });
});
