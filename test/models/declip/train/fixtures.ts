/** Shared fixtures: a tiny CLIP folder (64 px input) and a synthetic I&2T set, in a temp dir. */
import path from 'node:path';
import { generateSyntheticI2t, type SynthResult } from '../../../../models/i2t/synth.js';
import { readClip } from '../../../../models/store/clip-layout.js';
import type { ClipManifest } from '../../../../models/store/manifests.js';
import { buildTinyVocab, TINY_CLIP_CONFIG, writeClipFolder } from '../../../../models/tiny/index.js';

/**
 * Writes a tiny CLIP whose image tower takes 64 px input (patch 8, so the 64 px synth images are not upsampled)
 * and whose text tower is wider and deeper than the default tiny one, so different descriptions land apart.
 */
export function writeTestClip(dir: string, seed = 1): ClipManifest {
  const vocab = buildTinyVocab();
  const config = {
    vision: { imageSize: 64, patchSize: 8, width: 128, layers: 1, heads: 4, projectionDim: 64 },
    text: { ...TINY_CLIP_CONFIG.text, vocabSize: vocab.size, width: 256, layers: 2, projectionDim: 64 },
    logitScale: 100,
  };
  writeClipFolder(dir, { config, vocab, seed });
  const entry = readClip(dir, path.basename(dir));
  if (!entry.ok) throw new Error(`test CLIP folder is broken: ${entry.problems.join('; ')}`);
  return entry.manifest;
}

/** A synthetic I&2T set of `n` 64 px images. */
export function writeSynthSet(dir: string, n: number, seed = 2): Promise<SynthResult> {
  return generateSyntheticI2t({ outDir: dir, n, size: 64, seed });
}
