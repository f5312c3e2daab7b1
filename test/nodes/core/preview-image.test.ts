import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPngTextChunks } from '../../../models/image/png-text.js';
import type { DataDirs } from '../../../server/data-dir.js';
import { previewImageNode } from '../../../nodes/core/preview-image.js';
import { patternImage } from '../../models/image/fixtures.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

let dirs: DataDirs;
let cleanup: () => void;
beforeEach(() => ({ dirs, cleanup } = tempDataDirs()));
afterEach(() => cleanup());

describe('PreviewImage', () => {
  it('writes temp files named ComfyUI_temp_<5 letters>_<counter>_.png with type temp', async () => {
    const result = await previewImageNode.run(nodeContext({ dirs }), { images: patternImage(2, 2, 2), prompt: { a: 1 }, extra_pnginfo: undefined });
    const images = result.ui!.images as { filename: string; subfolder: string; type: string }[];
    expect(images).toHaveLength(2);
    expect(images[0]!.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
    expect(images[1]!.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00002_\.png$/);
    expect(images.every((i) => i.type === 'temp' && i.subfolder === '')).toBe(true);
    expect(fs.readdirSync(dirs.output)).toEqual([]);
    const file = fs.readFileSync(path.join(dirs.temp, images[0]!.filename));
    expect(readPngTextChunks(file)).toEqual({ prompt: '{"a":1}' });
  });
});
