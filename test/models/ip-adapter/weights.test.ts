import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpAdapterFileError, loadIpAdapterWeights } from '../../../models/ip-adapter/weights.js';
import { readSafetensorsHeader } from '../../../models/safetensors/read.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildIpAdapterTensors, ipAdapterMetadata, TINY_IP_ADAPTER_CONFIG } from '../../../models/tiny/ip-adapter.js';
import { ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';

let dir: string;
let tiny: TinyModelPaths;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-ipw-'));
  tiny = ensureTinyModels(path.join(dir, 'models'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadIpAdapterWeights', () => {
  it('reads the tiny adapter: layout and projection tensors as stored', async () => {
    const w = await loadIpAdapterWeights(tiny.ipAdapter);
    expect(w).toMatchObject({ kind: 'tiny', imageEmbedDim: 1024, crossAttentionDim: 768, tokens: 4, name: 'tiny-ip-adapter_sd15.safetensors' });
    expect(w.layerChannels).toHaveLength(16);
    expect(w.projection.projWeight).toHaveLength(3072 * 1024);
    expect(w.projection.normBias).toHaveLength(768);
    const header = await readSafetensorsHeader(tiny.ipAdapter);
    expect(header.tensors['image_proj.proj.weight']!.dtype).toBe('F16');
    expect(w.key).toContain(tiny.ipAdapter);
  });

  it('throws IpAdapterFileError naming each missing key and wrong shape', async () => {
    const tensors = buildIpAdapterTensors(TINY_IP_ADAPTER_CONFIG, 1);
    delete tensors['ip_adapter.5.to_k_ip.weight'];
    tensors['image_proj.norm.weight'] = { dtype: 'F32', shape: [512], data: new Float32Array(512) };
    const file = path.join(dir, 'broken.safetensors');
    writeSafetensors(file, tensors, { ...ipAdapterMetadata(TINY_IP_ADAPTER_CONFIG, 1) });
    const err = await loadIpAdapterWeights(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpAdapterFileError);
    const e = err as IpAdapterFileError;
    expect(e.problems).toContain('missing tensor ip_adapter.5.to_k_ip.weight (expected shape [32, 768])');
    expect(e.problems).toContain('tensor image_proj.norm.weight has shape [512], expected [768]');
    expect(e.message).toContain(file);
  });
});
