/**
 * Writes the golden-fixture CLIP weights (OpenCLIP layout, seeds 5 and 6) for scripts/golden/clip_golden.py, which
 * runs a public reference implementation on them and writes test/fixtures/clip/*.safetensors (numbers only).
 * Usage: node --import tsx scripts/golden/write-clip-weights.ts OUT_DIR
 */
import path from 'node:path';
import { writeSafetensors } from '../../models/safetensors/write.js';
import { GOLDEN_CLIP_CONFIG, buildOpenClipTensors } from '../../models/tiny/clip-safetensors.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: write-clip-weights.ts OUT_DIR');
  process.exit(2);
}
for (const seed of [5, 6]) writeSafetensors(path.join(out, `openclip-seed${seed}.safetensors`), buildOpenClipTensors(GOLDEN_CLIP_CONFIG, seed));
console.log(`wrote ${out}/openclip-seed{5,6}.safetensors`);
