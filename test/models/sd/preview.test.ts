import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SD15_LATENT_FORMAT } from '../../../models/sd/latent-format.js';
import { encodeLatentPreview, latentToRgb } from '../../../models/sd/preview.js';

/** [B=2, 4, 2, 3] latents: image 1, cell 0 has channel c = 1 for c = 0 only; every other value 0. */
function latents(): { data: Float32Array; dims: number[] } {
  const data = new Float32Array(2 * 4 * 2 * 3);
  data[4 * 6] = 1; // image 1, channel 0, cell (0,0)
  data[4 * 6 + 3 * 6 + 5] = 2; // image 1, channel 3, cell (1,2)
  return { data, dims: [2, 4, 2, 3] };
}

describe('latentToRgb', () => {
  it('projects each cell with the SD1.5 factors and maps −1…1 to 0…255 (truncated)', () => {
    const rgb = latentToRgb({ ...latents(), index: 1 });
    expect([rgb.width, rgb.height]).toEqual([3, 2]);
    const f = SD15_LATENT_FORMAT.rgbFactors;
    const level = (v: number) => Math.trunc(Math.min(Math.max((v + 1) / 2, 0), 1) * 255);
    expect([...rgb.data.subarray(0, 3)]).toEqual(f[0]!.map((v) => level(v))); // 0.3512 → 172 …
    expect(rgb.data[0]).toBe(172);
    expect([...rgb.data.subarray(5 * 3, 6 * 3)]).toEqual(f[3]!.map((v) => level(2 * v)));
    expect([...rgb.data.subarray(3, 6)]).toEqual([127, 127, 127]); // zero latent = mid grey
  });

  it('rejects latents that are not [B,4,h,w] and out-of-range indices', () => {
    expect(() => latentToRgb({ data: new Float32Array(12), dims: [1, 3, 2, 2] })).toThrow(/\[B,4,h,w\]/);
    expect(() => latentToRgb({ ...latents(), index: 2 })).toThrow(/outside the batch of 2/);
  });
});

describe('encodeLatentPreview', () => {
  it('encodes a JPEG by default and a PNG on request, at the latent size', async () => {
    const jpeg = await encodeLatentPreview(latents());
    expect(jpeg.format).toBe('jpeg');
    expect([jpeg.data[0], jpeg.data[1]]).toEqual([0xff, 0xd8]);
    const png = await encodeLatentPreview({ ...latents(), imageFormat: 'png', index: 1 });
    const meta = await sharp(png.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 3, 2]);
    const raw = await sharp(png.data).raw().toBuffer();
    expect(raw[0]).toBe(172);
  });
});
