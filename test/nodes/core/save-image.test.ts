import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPngTextChunks } from '../../../models/image/png-text.js';
import type { DataDirs } from '../../../server/data-dir.js';
import { saveImageNode } from '../../../nodes/core/save-image.js';
import { patternImage } from '../../models/image/fixtures.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

let dirs: DataDirs;
let cleanup: () => void;
beforeEach(() => ({ dirs, cleanup } = tempDataDirs()));
afterEach(() => cleanup());

const run = (inputs: Record<string, unknown>) =>
  saveImageNode.run(nodeContext({ dirs }, { nodeType: 'SaveImage' }), { images: patternImage(1, 2, 2), filename_prefix: 'ComfyUI', prompt: {}, extra_pnginfo: undefined, ...inputs } as never);

describe('SaveImage', () => {
  it("names files like ComfyUI: prefix_00001_.png, then _00002_", async () => {
    const first = await run({});
    expect(first).toEqual({ outputs: [], ui: { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] } });
    const second = await run({ images: patternImage(2, 2, 2) });
    expect(second.ui!.images).toEqual([
      { filename: 'ComfyUI_00002_.png', subfolder: '', type: 'output' },
      { filename: 'ComfyUI_00003_.png', subfolder: '', type: 'output' },
    ]);
    // `.partial/` is the save staging folder (models/image/write-new-file.ts); listings skip dot names.
    expect(fs.readdirSync(dirs.output).filter((n) => !n.startsWith('.')).sort()).toEqual(['ComfyUI_00001_.png', 'ComfyUI_00002_.png', 'ComfyUI_00003_.png']);
  });

  it('saves into a subfolder named by the prefix', async () => {
    const result = await run({ filename_prefix: 'portraits/day1/me' });
    expect(result.ui!.images).toEqual([{ filename: 'me_00001_.png', subfolder: 'portraits/day1', type: 'output' }]);
    expect(fs.existsSync(path.join(dirs.output, 'portraits', 'day1', 'me_00001_.png'))).toBe(true);
  });

  it('refuses a prefix that escapes the output folder', async () => {
    await expect(run({ filename_prefix: '../../evil' })).rejects.toThrow(/outside the output folder is not allowed/);
    expect(fs.readdirSync(dirs.root).sort()).toEqual(['cache', 'input', 'models', 'output', 'state', 'temp', 'user']);
  });

  it('embeds the prompt and each extra_pnginfo key as tEXt chunks', async () => {
    const prompt = { '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } } };
    const workflow = { nodes: [{ id: 9, type: 'SaveImage', title: 'Sauvegarde é' }], links: [] };
    const result = await run({ prompt, extra_pnginfo: { workflow } });
    const file = fs.readFileSync(path.join(dirs.output, (result.ui!.images[0] as { filename: string }).filename));
    const text = readPngTextChunks(file);
    expect(Object.keys(text)).toEqual(['prompt', 'workflow']);
    expect(JSON.parse(text.prompt!)).toEqual(prompt);
    expect(JSON.parse(text.workflow!)).toEqual(workflow);
    expect(file.includes(Buffer.from('tEXtworkflow'))).toBe(true);
    expect((await sharp(file).metadata()).width).toBe(2);
  });

  it('declares the ComfyUI interface', () => {
    expect(saveImageNode.outputNode).toBe(true);
    expect(Object.keys(saveImageNode.inputs.required)).toEqual(['images', 'filename_prefix']);
    expect(saveImageNode.inputs.required.filename_prefix.options.default).toBe('ComfyUI');
    expect(saveImageNode.inputs.hidden).toEqual({ prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' });
  });
});
