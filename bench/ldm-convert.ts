/**
 * Single-file checkpoint conversion (docs/ldm-checkpoints.md) on a full-size SD1.5 checkpoint with random F16
 * weights, written here tensor by tensor (never committed): peak RSS of the conversion over the process baseline
 * against the file size, conversion time, a second (cached) load, and one full-size UNet step at 512² (batch 2,
 * as CFG runs it) on the session pool.
 */
import { fileURLToPath } from 'node:url';
import { convertLdmCheckpoint } from '../models/ldm/convert.js';
import { floatOutput } from '../models/onnx/tensor-types.js';
import { SD15_LDM_CONFIG, ldmCheckpointShapes, type LdmCheckpointConfig } from '../models/tiny/ldm-checkpoint.js';
import { childConversion, runConversionBench, writeStreamedSafetensors } from './streamed-safetensors.js';

/** Writes a safetensors file of random F16 values, one tensor at a time (bounded memory). */
export function writeRandomF16Checkpoint(file: string, config: LdmCheckpointConfig = SD15_LDM_CONFIG): number {
  let seed = 1;
  return writeStreamedSafetensors(file, ldmCheckpointShapes(config), 'F16', (_key, n) => {
    const words = new Uint16Array(n);
    // Small random halves (|x| < 0.03: exponent 0x2000…0x23ff) so activations stay finite.
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      words[i] = (seed >>> 16) & 0x83ff | 0x2000;
    }
    return new Uint8Array(words.buffer);
  });
}

/** The figures for BENCHMARKS.md. */
export async function benchLdmConvert(): Promise<Record<string, number>> {
  const f = await runConversionBench({
    script: fileURLToPath(import.meta.url),
    fileName: 'sd15-random-f16.safetensors',
    write: writeRandomF16Checkpoint,
    async measure({ file, cacheDir, pool }) {
      const c = await convertLdmCheckpoint({ file, cacheDir });
      const t1 = performance.now();
      const unet = await pool.get(c.unet.model);
      const sessionSeconds = (performance.now() - t1) / 1000;
      const feeds = {
        sample: { data: new Float32Array(2 * 4 * 64 * 64).fill(0.1), dims: [2, 4, 64, 64] },
        timestep: { data: Float32Array.of(500), dims: [1] },
        encoder_hidden_states: { data: new Float32Array(2 * 77 * 768).fill(0.05), dims: [2, 77, 768] },
      };
      const t2 = performance.now();
      floatOutput(await unet.run(feeds), 'out_sample');
      return { sessionSeconds, stepSeconds: (performance.now() - t2) / 1000 };
    },
  });
  return {
    fileBytes: f.fileBytes, writeSeconds: f.writeSeconds, convertSeconds: f.first.seconds, peakOverBase: (f.first.peakRss - f.first.baseRss) / f.fileBytes,
    peakRssBytes: f.first.peakRss, baseRssBytes: f.first.baseRss, cachedLoadSeconds: f.second.seconds, sessionSeconds: f.sessionSeconds, stepSeconds: f.stepSeconds,
  };
}

await childConversion((file, cacheDir) => convertLdmCheckpoint({ file, cacheDir }));
