/**
 * Builds the default tiny model set into a data directory's `models/` folder, idempotently. Layout (docs/model-folders.md):
 * ```
 * <modelsDir>/checkpoints/tiny-sd15/              SD1.5 ONNX folder incl. unet_ip/ (see sd15-folder.ts)
 * <modelsDir>/checkpoints/tiny-sd15.safetensors   SD1.5 single-file checkpoint, real LDM key layout (ldm-checkpoint.ts)
 * <modelsDir>/tokenizers/tiny-sd15/               its tokenizer (single-file checkpoints carry none)
 * <modelsDir>/vae/tiny-vae.safetensors             a standalone AutoencoderKL file (the checkpoint's VAE, unprefixed)
 * <modelsDir>/ipadapter/tiny-ip-adapter_sd15-ldm.safetensors  an adapter whose 16 layers fit tiny-sd15.safetensors' attn2 widths
 * <modelsDir>/clip/tiny-clip/                     HF CLIP download folder: model.safetensors (HF key layout, F32) +
 *                                                 config.json + tokenizer, P = 64 (see clip-hf-folder.ts)
 * <modelsDir>/clip/tiny-clip-h/                   the same in F16 with P = 1024 (ViT-H space, for DP-Adapter)
 * <modelsDir>/clip_vision/tiny-clip-vision-h.safetensors  an image encoder FILE in the HF layout, 1024-d (IPAdapter nodes)
 * <modelsDir>/ipadapter/tiny-ip-adapter_sd15.safetensors    a FILE, as ComfyUI keeps adapters; F16 like the real one
 * <modelsDir>/declip/tiny-declip.safetensors       projectors for tiny-clip (d 64, h 64)
 * <modelsDir>/declip/tiny-declip-h.safetensors     projectors for tiny-clip-h (d 1024, h 64)
 * <modelsDir>/declip/tiny-declip-h-init.safetensors  zero-initialised W2 (DeCLIP = CLIP exactly)
 * <modelsDir>/.tiny-manifest.json                  builder version + config hash + files, for the skip check
 * ```
 * All weights come from one seed; the IP UNet and the adapter file share their to_k_ip/to_v_ip weights.
 * A rebuild removes the files the previous manifest listed that this builder no longer writes (the ONNX files of
 * the tiny CLIP folders before builder version 5), so an old folder is not read as an ONNX export.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { encodeSafetensors } from '../safetensors/write.js';
import { type ClipConfig, TINY_CLIP_CONFIG, TINY_CLIP_H_CONFIG } from '../clip/graphs.js';
import { writeClipHfFolder } from './clip-hf-folder.js';
import type { ClipWeightsConfig } from './clip-safetensors.js';
import { TINY_CLIP_VISION_H_CONFIG, buildClipVisionTensors } from './clip-vision.js';
import { type LdmCheckpointConfig, TINY_LDM_CONFIG, buildLdmCheckpointTensors, ldmCrossAttentionChannels } from './ldm-checkpoint.js';
import { type DeclipConfig, buildDeclipTensors, declipMetadata } from './declip.js';
import { type IpAdapterConfig, TINY_IP_ADAPTER_CONFIG, buildIpAdapterTensors, ipAdapterMetadata } from './ip-adapter.js';
import { type Sd15Config, TINY_SD15_CONFIG, writeSd15Folder } from './sd15-folder.js';
import { TINY_UNET_CONFIG } from './unet.js';
import { TINY_VOCAB_WORDS } from './vocab-words.js';
import { DEFAULT_MERGES, type TinyVocab, buildTinyVocab, tokenizerFiles } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** Bump when any builder's output changes for the same config, so existing data dirs are rebuilt. */
export const TINY_BUILDER_VERSION = 5;

/** Default seed of the shipped tiny set. */
export const TINY_DEFAULT_SEED = 1234;

/** Everything that determines the default set. */
export interface TinySetConfig {
  sd15: Sd15Config;
  ldm: LdmCheckpointConfig;
  clip: ClipConfig;
  clipH: ClipConfig;
  clipVisionH: ClipWeightsConfig;
  ipAdapter: IpAdapterConfig;
  declip: DeclipConfig;
  declipH: DeclipConfig;
}

/** The default set's configuration (vocabSize is replaced by the learned vocabulary's size at build time). */
export const TINY_SET_CONFIG: TinySetConfig = {
  sd15: TINY_SD15_CONFIG,
  ldm: TINY_LDM_CONFIG,
  clip: TINY_CLIP_CONFIG,
  clipH: TINY_CLIP_H_CONFIG,
  clipVisionH: TINY_CLIP_VISION_H_CONFIG,
  ipAdapter: { ...TINY_IP_ADAPTER_CONFIG, layerChannels: TINY_IP_ADAPTER_CONFIG.layerChannels.map(() => TINY_UNET_CONFIG.channels) },
  declip: { embedDim: TINY_CLIP_CONFIG.vision.projectionDim, hiddenDim: 64, fc2Std: 0.05 },
  declipH: { embedDim: TINY_CLIP_H_CONFIG.vision.projectionDim, hiddenDim: 64, fc2Std: 0.05 },
};

/** Options of {@link ensureTinyModels}. */
export interface TinyModelsOptions {
  /** Weight seed; default {@link TINY_DEFAULT_SEED}. */
  seed?: number;
  /** Rebuild even when the manifest matches. */
  force?: boolean;
}

/** Where the set lives. Folders for ONNX models, files for safetensors. */
export interface TinyModelPaths {
  /** True when this call wrote the files, false when the manifest matched and nothing was written. */
  built: boolean;
  manifest: string;
  sd15: string;
  /** `checkpoints/tiny-sd15.safetensors`. */
  ldmCheckpoint: string;
  /** `tokenizers/tiny-sd15/`. */
  ldmTokenizer: string;
  /** `vae/tiny-vae.safetensors`. */
  vae: string;
  /** `ipadapter/tiny-ip-adapter_sd15-ldm.safetensors`. */
  ipAdapterLdm: string;
  clip: string;
  clipH: string;
  /** `clip_vision/tiny-clip-vision-h.safetensors`. */
  clipVisionH: string;
  ipAdapter: string;
  declip: string;
  declipH: string;
  declipHInit: string;
}

interface Manifest {
  builderVersion: number;
  configHash: string;
  /** Paths relative to the models folder, with their byte sizes (a changed size means "rebuild"). */
  files: { path: string; size: number }[];
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

function withVocabSize(c: TinySetConfig, vocab: TinyVocab): TinySetConfig {
  const clip = (k: ClipConfig): ClipConfig => ({ ...k, text: { ...k.text, vocabSize: vocab.size } });
  return {
    ...c,
    sd15: { ...c.sd15, textEncoder: { ...c.sd15.textEncoder, vocabSize: vocab.size } },
    ldm: { ...c.ldm, text: { ...c.ldm.text, vocabSize: vocab.size } },
    clip: clip(c.clip),
    clipH: clip(c.clipH),
  };
}

function pathsIn(modelsDir: string, built: boolean): TinyModelPaths {
  const p = (...parts: string[]) => path.join(modelsDir, ...parts);
  return {
    built,
    manifest: p('.tiny-manifest.json'),
    sd15: p('checkpoints', 'tiny-sd15'),
    ldmCheckpoint: p('checkpoints', 'tiny-sd15.safetensors'),
    ldmTokenizer: p('tokenizers', 'tiny-sd15'),
    vae: p('vae', 'tiny-vae.safetensors'),
    ipAdapterLdm: p('ipadapter', 'tiny-ip-adapter_sd15-ldm.safetensors'),
    clip: p('clip', 'tiny-clip'),
    clipH: p('clip', 'tiny-clip-h'),
    clipVisionH: p('clip_vision', 'tiny-clip-vision-h.safetensors'),
    ipAdapter: p('ipadapter', 'tiny-ip-adapter_sd15.safetensors'),
    declip: p('declip', 'tiny-declip.safetensors'),
    declipH: p('declip', 'tiny-declip-h.safetensors'),
    declipHInit: p('declip', 'tiny-declip-h-init.safetensors'),
  };
}

/** Hash of everything that shapes the output: builder version, seed, configs and the vocabulary inputs. */
export function tinySetHash(seed: number, config: TinySetConfig = TINY_SET_CONFIG): string {
  const key = JSON.stringify({ v: TINY_BUILDER_VERSION, seed, config, words: TINY_VOCAB_WORDS, merges: DEFAULT_MERGES });
  return createHash('sha256').update(key).digest('hex');
}

function readManifest(file: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined; // A missing or corrupt manifest means "rebuild", never a crash at startup.
  }
}

function upToDate(m: Manifest | undefined, modelsDir: string, hash: string): boolean {
  if (!m || m.builderVersion !== TINY_BUILDER_VERSION || m.configHash !== hash) return false;
  return m.files.every((f) => sizeOf(path.join(modelsDir, f.path)) === f.size);
}

/**
 * Deletes what an earlier build wrote and this one did not. Only files still at their recorded size go: one the user
 * replaced is theirs now.
 */
function removeStale(old: Manifest | undefined, modelsDir: string, written: ReadonlySet<string>): void {
  for (const f of old?.files ?? []) {
    if (typeof f.path !== 'string' || written.has(f.path)) continue;
    const file = path.join(modelsDir, f.path);
    if (!path.relative(modelsDir, file).startsWith('..') && sizeOf(file) === f.size) rmSync(file, { force: true });
  }
}

function writeAll(paths: TinyModelPaths, seed: number): string[] {
  const vocab = buildTinyVocab();
  const c = withVocabSize(TINY_SET_CONFIG, vocab);
  const st = (file: string, bytes: Buffer) => writeFileAtomic(file, bytes);
  const ldm = buildLdmCheckpointTensors(c.ldm, seed, 'F16');
  const ldmIp = { ...c.ipAdapter, layerChannels: ldmCrossAttentionChannels(c.ldm) };
  const vae = Object.fromEntries(Object.entries(ldm).filter(([k]) => k.startsWith('first_stage_model.')).map(([k, v]) => [k.slice('first_stage_model.'.length), v]));
  return [
    ...writeSd15Folder(paths.sd15, { config: c.sd15, vocab, seed }),
    st(paths.ldmCheckpoint, encodeSafetensors(ldm, { format: 'pt', perceptgraph_tiny: 'sd15-ldm', seed: String(seed) })),
    ...Object.entries(tokenizerFiles(vocab)).map(([name, text]) => writeFileAtomic(path.join(paths.ldmTokenizer, name), text)),
    st(paths.vae, encodeSafetensors(vae, { format: 'pt', perceptgraph_tiny: 'sd15-vae', seed: String(seed) })),
    st(paths.ipAdapterLdm, encodeSafetensors(buildIpAdapterTensors(ldmIp, seed, 'F16'), ipAdapterMetadata(ldmIp, seed))),
    ...writeClipHfFolder(paths.clip, { config: c.clip, vocab, seed, label: 'clip' }),
    ...writeClipHfFolder(paths.clipH, { config: c.clipH, vocab, seed, dtype: 'F16', label: 'clip-h' }),
    st(paths.clipVisionH, encodeSafetensors(buildClipVisionTensors(c.clipVisionH, seed), { format: 'pt', perceptgraph_tiny: 'clip-vision-h', seed: String(seed) })),
    st(paths.ipAdapter, encodeSafetensors(buildIpAdapterTensors(c.ipAdapter, seed, 'F16'), ipAdapterMetadata(c.ipAdapter, seed))),
    st(paths.declip, encodeSafetensors(buildDeclipTensors(c.declip, seed), declipMetadata(c.declip, 'tiny-clip'))),
    st(paths.declipH, encodeSafetensors(buildDeclipTensors(c.declipH, seed), declipMetadata(c.declipH, 'tiny-clip-h'))),
    st(paths.declipHInit, encodeSafetensors(buildDeclipTensors({ ...c.declipH, fc2Std: 0 }, seed), declipMetadata(c.declipH, 'tiny-clip-h'))),
  ];
}

/**
 * Writes the default tiny set into `modelsDir` (the data directory's `models/` folder) unless its manifest shows the
 * same builder version and config hash and every listed file exists with its recorded size. Takes well under a second when skipping and a
 * fraction of a second to build. Returns the paths either way.
 */
export function ensureTinyModels(modelsDir: string, options: TinyModelsOptions = {}): TinyModelPaths {
  const seed = options.seed ?? TINY_DEFAULT_SEED;
  const hash = tinySetHash(seed);
  const skip = pathsIn(modelsDir, false);
  const old = readManifest(skip.manifest);
  if (!options.force && upToDate(old, modelsDir, hash)) return skip;
  const paths = pathsIn(modelsDir, true);
  const files = writeAll(paths, seed).map((f) => ({ path: path.relative(modelsDir, f), size: statSync(f).size }));
  removeStale(old, modelsDir, new Set(files.map((f) => f.path)));
  const manifest: Manifest = { builderVersion: TINY_BUILDER_VERSION, configHash: hash, files };
  writeFileAtomic(paths.manifest, JSON.stringify(manifest, null, 2));
  return paths;
}
