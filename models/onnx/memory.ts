/**
 * Session memory estimate for the pool's budget: the model file plus its external-data files. onnxruntime keeps
 * roughly the weights resident (plus arenas we cannot see), so file size is a fair, cheap lower bound.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** External-data file names the SD/CLIP exporters write next to `model.onnx` (diffusers: weights.pb; optimum: *_data). */
function isExternalData(modelBase: string, name: string): boolean {
  return name === `${modelBase}_data` || name === `${modelBase}.data` || name === 'weights.pb' ||
    (name.startsWith(`${modelBase}_data`) && !name.endsWith('.onnx'));
}

/** Bytes of `file` plus its external data in the same folder; 0 for a file that cannot be read. */
export function estimateModelBytes(file: string): number {
  let total = 0;
  try {
    total = statSync(file).size;
    const dir = path.dirname(file);
    const base = path.basename(file);
    for (const name of readdirSync(dir)) {
      if (isExternalData(base, name)) total += statSync(path.join(dir, name)).size;
    }
  } catch {
    // A missing file is reported by session creation with a better message.
  }
  return total;
}
