/**
 * CLIPVisionLoader and CLIPVisionEncode: ComfyUI's names, inputs and outputs in /object_info with the clip_vision
 * files listed, and the encoder they hand out on a real `.safetensors` file (OpenCLIP layout, converted on first
 * use): CLIP_VISION_OUTPUT's tensors for both crop modes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClipVision } from '../../../models/clip/clip-vision.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { GOLDEN_CLIP_CONFIG as C, buildOpenClipTensors } from '../../../models/tiny/clip-safetensors.js';
import { clipVisionNodes } from '../../../nodes/clip-vision/index.js';
import type { NodeServices } from '../../../nodes/services.js';
import { Engine } from '../../../server/engine/engine.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { coreNodes } from '../../../nodes/core/index.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';

let fx: ModelFixture;
let engine: Engine;
beforeAll(() => {
  fx = createModelFixture('pg-clipv-');
  writeSafetensors(path.join(fx.dirs.models, 'clip_vision/golden-openclip.safetensors'), buildOpenClipTensors(C, 5));
  const services: NodeServices = { dirs: fx.dirs, models: fx.models, previews: { method: 'none' } };
  engine = new Engine({ registry: new NodeRegistry([...coreNodes, ...clipVisionNodes]), services });
});
afterAll(() => fx?.close());

describe('CLIPVisionLoader / CLIPVisionEncode', () => {
  it('publish ComfyUI names, sockets and the clip_vision files', () => {
    fx.models.store.invalidate();
    const info = engine.objectInfo() as Record<string, any>;
    expect(info.CLIPVisionLoader.input.required.clip_name[0]).toContain('golden-openclip.safetensors');
    expect(info.CLIPVisionLoader.output).toEqual(['CLIP_VISION']);
    expect(info.CLIPVisionEncode.input.required.clip_vision[0]).toBe('CLIP_VISION');
    expect(info.CLIPVisionEncode.input.required.image[0]).toBe('IMAGE');
    expect(info.CLIPVisionEncode.input.required.crop[0]).toEqual(['center', 'none']);
    expect(info.CLIPVisionEncode.output).toEqual(['CLIP_VISION_OUTPUT']);
  });

  it('encode an IMAGE into image_embeds and hidden states of the converted tower', async () => {
    fx.models.store.invalidate();
    const manifest = fx.models.store.resolveClipVision('golden-openclip.safetensors');
    const vision = await openClipVision({ pool: fx.models.pool, manifest, cacheDir: fx.dirs.cache });
    expect(vision.imageSize).toBe(32);
    const image = { data: Float32Array.from({ length: 2 * 48 * 40 * 3 }, (_, i) => (i % 97) / 96), dims: [2, 48, 40, 3] as [number, number, number, number] };
    for (const crop of ['center', 'none'] as const) {
      const out = await vision.encode(image, { crop });
      expect(out.image_embeds.dims).toEqual([2, C.embedDim]);
      expect(out.last_hidden_state?.dims).toEqual([2, 17, C.vision.width]);
      expect(out.penultimate_hidden_states?.dims).toEqual([2, 17, C.vision.width]);
      expect(out.image_embeds.data.every(Number.isFinite)).toBe(true);
    }
    const a = (await vision.encode(image, { crop: 'center' })).image_embeds.data;
    const b = (await vision.encode(image, { crop: 'none' })).image_embeds.data;
    expect(a).not.toEqual(b);
  }, 60_000);
});
