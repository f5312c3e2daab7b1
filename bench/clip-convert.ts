/**
 * CLIP `.safetensors` conversion (docs/model-folders.md, models/clip/convert-clip.ts) on a ViT-B/32-size CLIP with
 * random F32 weights in the Hugging Face key layout (random-clip.ts, never committed): conversion time and peak RSS
 * over the process baseline, a second (cached) call, session creation of both towers and one image encode at batch 1.
 */
import { fileURLToPath } from 'node:url';
import { convertClipFile } from '../models/clip/convert-clip.js';
import { floatOutput } from '../models/onnx/tensor-types.js';
import { VIT_B32, writeRandomClip } from './random-clip.js';
import { childConversion, runConversionBench } from './streamed-safetensors.js';

/** The figures for BENCHMARKS.md. */
export async function benchClipConvert(): Promise<Record<string, number>> {
  const f = await runConversionBench({
    script: fileURLToPath(import.meta.url),
    fileName: 'clip-vit-b32-random.safetensors',
    write: (file) => writeRandomClip(file, VIT_B32),
    async measure({ file, cacheDir, pool }) {
      const c = await convertClipFile({ file, cacheDir });
      const t1 = performance.now();
      const [vision] = await Promise.all([pool.get(c.vision!.model), pool.get(c.text!.model)]);
      const sessionSeconds = (performance.now() - t1) / 1000;
      const pixels = (v: number) => ({ pixel_values: { data: new Float32Array(3 * 224 * 224).fill(v), dims: [1, 3, 224, 224] } });
      await vision.run(pixels(0.1)); // warm-up
      const t2 = performance.now();
      floatOutput(await vision.run(pixels(0.2)), 'image_embeds');
      return { sessionSeconds, encodeMs: performance.now() - t2 };
    },
  });
  return {
    fileBytes: f.fileBytes, convertSeconds: f.first.seconds, peakOverBase: (f.first.peakRss - f.first.baseRss) / f.fileBytes,
    peakRssBytes: f.first.peakRss, baseRssBytes: f.first.baseRss, cachedSeconds: f.second.seconds, sessionSeconds: f.sessionSeconds, encodeMs: f.encodeMs,
  };
}

await childConversion((file, cacheDir) => convertClipFile({ file, cacheDir }));
