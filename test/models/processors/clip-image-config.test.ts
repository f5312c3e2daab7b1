import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClipImageProcessor } from '../../../models/processors/clip-image.js';
import {
  CLIP_IMAGE_DEFAULTS, cropOffset, parseClipImageConfig, resizedSize,
} from '../../../models/processors/clip-image-config.js';

describe('parseClipImageConfig', () => {
  it('fills CLIPImageProcessor defaults', () => {
    expect(parseClipImageConfig({})).toEqual(CLIP_IMAGE_DEFAULTS);
  });

  it('accepts size/crop_size as numbers or objects, and PIL resample codes', () => {
    const a = parseClipImageConfig({ size: { shortest_edge: 336 }, crop_size: { height: 336, width: 300 }, resample: 2 });
    expect([a.resize, a.crop, a.resample]).toEqual([{ shortestEdge: 336 }, { height: 336, width: 300 }, 'linear']);
    const b = parseClipImageConfig({ size: { height: 10, width: 20 }, crop_size: 8 });
    expect([b.resize, b.crop]).toEqual([{ height: 10, width: 20 }, { height: 8, width: 8 }]);
  });

  it('turns do_* = false into skipped steps and reads mean/std', () => {
    const c = parseClipImageConfig({
      do_resize: false, do_center_crop: false, do_rescale: false, do_normalize: true,
      image_mean: [0.5, 0.5, 0.5], image_std: 0.5,
    });
    expect(c).toMatchObject({ resize: null, crop: null, rescale: null, normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } });
    expect(parseClipImageConfig({ do_normalize: false }).normalize).toBeNull();
  });

  it('names the file and field when invalid', () => {
    expect(() => parseClipImageConfig({ image_mean: [1, 2] }, 'x/preprocessor_config.json'))
      .toThrow(/x\/preprocessor_config.json.*image_mean/s);
    expect(() => parseClipImageConfig({ resample: 4 })).toThrow(/resample=4/);
  });
});

describe('resizedSize', () => {
  it('sets the short side exactly and truncates the long side like HF int()', () => {
    expect(resizedSize(300, 200, { shortestEdge: 224 })).toEqual({ width: 336, height: 224 });
    // 224·7/3 = 522.67: HF truncates to 522 (rounding would give 523).
    expect(resizedSize(300, 700, { shortestEdge: 224 })).toEqual({ width: 224, height: 522 });
    expect(resizedSize(50, 50, { shortestEdge: 224 })).toEqual({ width: 224, height: 224 });
    expect(resizedSize(5, 9, { height: 3, width: 4 })).toEqual({ width: 4, height: 3 });
    expect(resizedSize(5, 9, null)).toEqual({ width: 5, height: 9 });
  });
});

describe('cropOffset', () => {
  it('floors (size − crop)/2, and mirrors HF zero-padding for small images', () => {
    expect(cropOffset(336, 224)).toBe(56);
    expect(cropOffset(225, 224)).toBe(0);
    expect(cropOffset(227, 224)).toBe(1);
    expect(cropOffset(201, 224)).toBe(-11);
  });
});

describe('ClipImageProcessor.fromDir', () => {
  it('reads preprocessor_config.json, or falls back to defaults', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-pre-'));
    expect((await ClipImageProcessor.fromDir(dir)).config).toEqual(CLIP_IMAGE_DEFAULTS);
    writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify({ crop_size: 256, size: 256 }));
    expect((await ClipImageProcessor.fromDir(dir)).config.crop).toEqual({ height: 256, width: 256 });
    writeFileSync(path.join(dir, 'preprocessor_config.json'), '{oops');
    await expect(ClipImageProcessor.fromDir(dir)).rejects.toThrow(/preprocessor_config.json is not valid JSON/);
  });
});
