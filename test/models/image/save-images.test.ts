import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../models/image/decode.js';
import { readPngTextChunks } from '../../../models/image/png-text.js';
import { asciiJson, pngInfoChunks, saveImageBatch } from '../../../models/image/save-images.js';
import { patternImage, tempDir as tempDirSync } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDirSync()));
afterEach(() => cleanup());

describe('asciiJson', () => {
  it('escapes non-ASCII like json.dumps and keeps 64-bit integers exact', () => {
    expect(asciiJson({ text: 'café ✓', seed: 18446744073709551615n })).toBe('{"text":"caf\\u00e9 \\u2713","seed":18446744073709551615}');
    expect(JSON.parse(asciiJson({ text: 'café ✓' }))).toEqual({ text: 'café ✓' });
  });
});

describe('pngInfoChunks', () => {
  it('writes prompt first, then each extra_pnginfo key', () => {
    expect(pngInfoChunks({ 1: { inputs: {} } }, { workflow: { nodes: [] }, extra: 1 })).toEqual({
      prompt: '{"1":{"inputs":{}}}',
      workflow: '{"nodes":[]}',
      extra: '1',
    });
    expect(pngInfoChunks(undefined, undefined)).toEqual({});
  });

  it('uses the given prompt JSON text instead of serialising the prompt, still first and ASCII-only', () => {
    const chunks = pngInfoChunks({ ignored: true }, { workflow: { nodes: [] } }, '{"1":{"inputs":{"t":"café","seed":18446744073709551615}}}');
    expect(Object.keys(chunks)).toEqual(['prompt', 'workflow']);
    expect(chunks.prompt).toBe('{"1":{"inputs":{"t":"caf\\u00e9","seed":18446744073709551615}}}');
  });
});

describe('saveImageBatch', () => {
  it('writes one numbered PNG per batch item with metadata and exact pixels', async () => {
    const images = patternImage(2, 3, 4);
    const refs = await saveImageBatch(images, { root, prefix: 'run/%batch_num%-x', type: 'output', compressionLevel: 1, prompt: { a: 1 } });
    expect(refs).toEqual([
      { filename: '0-x_00001_.png', subfolder: 'run', type: 'output' },
      { filename: '1-x_00002_.png', subfolder: 'run', type: 'output' },
    ]);
    const file = fs.readFileSync(path.join(root, 'run', '1-x_00002_.png'));
    expect(readPngTextChunks(file)).toEqual({ prompt: '{"a":1}' });
    expect((await decodeImage(file)).image.data).toEqual(images.data.subarray(36));
  });

  it('never overwrites an existing file', async () => {
    fs.writeFileSync(path.join(root, 'p_00001_.png'), 'keep');
    const refs = await saveImageBatch(patternImage(1, 1, 1), { root, prefix: 'p', type: 'temp', compressionLevel: 1 });
    expect(refs[0]!.filename).toBe('p_00002_.png');
    expect(fs.readFileSync(path.join(root, 'p_00001_.png'), 'utf8')).toBe('keep');
  });
});
