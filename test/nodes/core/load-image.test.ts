import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePng } from '../../../models/image/encode.js';
import { comboChoices, type ComboSpec } from '../../../server/engine/inputs.js';
import type { DataDirs } from '../../../server/data-dir.js';
import { loadImageNode } from '../../../nodes/core/load-image.js';
import { patternImage } from '../../models/image/fixtures.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

let dirs: DataDirs;
let cleanup: () => void;
beforeEach(() => ({ dirs, cleanup } = tempDataDirs()));
afterEach(() => cleanup());

async function writeInput(name: string, png?: Buffer): Promise<void> {
  fs.mkdirSync(path.dirname(path.join(dirs.input, name)), { recursive: true });
  fs.writeFileSync(path.join(dirs.input, name), png ?? (await encodePng(patternImage(1, 3, 5), 0)));
}

describe('LoadImage', () => {
  it('loads IMAGE and a 64x64 zero MASK for an opaque image', async () => {
    await writeInput('photo.png');
    const { outputs } = await loadImageNode.run(nodeContext({ dirs }), { image: 'photo.png' });
    const [image, mask] = outputs;
    expect(image.dims).toEqual([1, 3, 5, 3]);
    expect(image.data).toEqual(patternImage(1, 3, 5).data);
    expect(mask.dims).toEqual([1, 64, 64]);
    expect(mask.data.every((v) => v === 0)).toBe(true);
  });

  it('returns 1 - alpha as the MASK, and loads from subfolders and annotated names', async () => {
    const rgba = await sharp(Buffer.from([9, 9, 9, 0, 9, 9, 9, 255]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    await writeInput('sub/alpha.png', rgba);
    const { outputs } = await loadImageNode.run(nodeContext({ dirs }), { image: 'sub/alpha.png' });
    expect((outputs![1] as { data: Float32Array }).data).toEqual(Float32Array.from([1, 0]));
    fs.copyFileSync(path.join(dirs.input, 'sub', 'alpha.png'), path.join(dirs.output, 'out.png'));
    const fromOutput = await loadImageNode.run(nodeContext({ dirs }), { image: 'out.png [output]' });
    expect(fromOutput.outputs[0].dims).toEqual([1, 1, 2, 3]);
  });

  it('validates with a clear message when the file is missing or outside input/', async () => {
    await writeInput('ok.png');
    const services = nodeContext({ dirs }).services;
    expect(loadImageNode.validate!({ image: 'ok.png' }, services, { inputTypes: {} })).toBe(true);
    expect(loadImageNode.validate!({ image: 'gone.png' }, services, { inputTypes: {} })).toMatch(/^Invalid image file: gone.png \(no such file in /);
    expect(loadImageNode.validate!({ image: '../output/x.png' }, services, { inputTypes: {} })).toMatch(/Invalid image file: \.\.\/output\/x.png \(.*outside/);
    await expect(loadImageNode.run(nodeContext({ dirs }), { image: 'gone.png' })).rejects.toThrow(/Invalid image file: gone.png/);
  });

  it('fingerprints the file content, so an edit on disk changes it', async () => {
    await writeInput('edit.png');
    const services = nodeContext({ dirs }).services;
    const before = await loadImageNode.fingerprint!({ image: 'edit.png' }, services);
    expect(await loadImageNode.fingerprint!({ image: 'edit.png' }, services)).toBe(before);
    await writeInput('edit.png', await encodePng(patternImage(1, 4, 4), 0));
    const after = await loadImageNode.fingerprint!({ image: 'edit.png' }, services);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('offers the image files of input/ as an upload-enabled combo', async () => {
    const spec = loadImageNode.inputs.required.image as ComboSpec;
    expect(spec.options.imageUpload).toBe(true);
    const choices = spec.choices as (services?: unknown) => readonly string[];
    await writeInput('b.png');
    await writeInput('a.png');
    fs.writeFileSync(path.join(dirs.input, 'readme.txt'), '');
    expect(choices(nodeContext({ dirs }).services)).toEqual(['a.png', 'b.png']);
    expect(Array.isArray(comboChoices(spec))).toBe(true);
  });
});
