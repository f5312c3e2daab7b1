/**
 * A diffusers-layout SD1.5 folder (models/store/diffusers-layout.ts) opened as if it were one LDM single-file
 * checkpoint: its three weights files behind one tensor table in LDM keys (`model.diffusion_model.*`,
 * `first_stage_model.*`, `cond_stage_model.transformer.text_model.*`), renamed by the table of diffusers-keys.ts,
 * so the same graph builders convert it (docs/ldm-checkpoints.md, "Diffusers folders"). The block layout and the
 * UNet's heads come from `unet/config.json` and `vae/config.json` when present, else from the keys. Only headers are
 * read here; each tensor is read from its own file when the converter writes it, in its stored F32/F16/BF16.
 */
import path from 'node:path';
import { z } from 'zod';
import { hfClipTextConfigSchema, type HfClipTextConfig } from '../clip/hf-text-tower.js';
import { openSafetensors, SafetensorsError, type SafetensorsFile, type SafetensorsTensorInfo } from '../safetensors/read.js';
import { readDiffusersFiles } from '../store/diffusers-layout.js';
import { checkJsonFile } from '../store/folder-probe.js';
import type { DiffusersFiles } from '../store/manifests.js';
import { type DiffusersUnetLayout, type DiffusersVaeLayout, type PrefixRule, TEXT_RULES, renameKey, unetRules, vaeRules } from './diffusers-keys.js';
import { CheckpointKindError } from './errors.js';
import { SD15_UNET_HEADS, UNET_PREFIX } from './unet-config.js';
import { VAE_PREFIX } from './vae-graph.js';

const count = z.number().int().positive();
const countOrList = z.union([count, z.array(count)]);

/** The part of a diffusers `unet/config.json` (UNet2DConditionModel) that shapes the graph; other keys pass. */
export const diffusersUnetConfigSchema = z.looseObject({
  in_channels: count.optional(),
  block_out_channels: z.array(count).min(1).optional(),
  layers_per_block: countOrList.optional(),
  down_block_types: z.array(z.string()).min(1).optional(),
  /** SD1.x's config calls the number of heads `attention_head_dim` (8), as diffusers reads it for these models. */
  attention_head_dim: countOrList.optional(),
  num_attention_heads: countOrList.nullable().optional(),
  cross_attention_dim: countOrList.optional(),
  addition_embed_type: z.string().nullable().optional(),
});
export type DiffusersUnetConfig = z.infer<typeof diffusersUnetConfigSchema>;

/** The part of `vae/config.json` (AutoencoderKL) that shapes the graph. */
export const diffusersVaeConfigSchema = z.looseObject({
  block_out_channels: z.array(count).min(1).optional(),
  layers_per_block: count.optional(),
});

/** The folder read in LDM keys. */
export interface DiffusersCheckpoint {
  readonly files: DiffusersFiles;
  /** The tensor table in LDM keys; `path` is the folder. */
  readonly view: SafetensorsFile;
  /** Attention heads of the UNet's transformers. */
  readonly unetHeads: number;
  readonly textConfig?: HfClipTextConfig;
  /** The component file and diffusers key of an LDM key (for errors about keys that are missing or wrong). */
  origin(key: string): { readonly file: string; readonly key: string };
}

function readConfig<T>(file: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!file) return undefined;
  const c = checkJsonFile(file, schema);
  if (c.ok) return c.value;
  throw new Error(c.kind === 'json' ? `${file}: not valid JSON (${c.detail})` : `${file}: ${c.detail}`);
}

const SD15_ONLY = 'perceptgraph runs SD1.5 models (stable-diffusion-v1-5 and fine-tunes of it)';

/** Refuses the non-SD1.5 folders a config or model_index.json gives away. */
function classifyConfig(files: DiffusersFiles, unet: DiffusersUnetConfig | undefined): void {
  const index: Record<string, unknown> = readConfig(files.modelIndex, z.looseObject({})) ?? {};
  const refuse = (what: string, hint = `${SD15_ONLY}; this one is not supported`) => {
    throw new CheckpointKindError(files.dir, what, hint);
  };
  const context = unet?.cross_attention_dim;
  if ('text_encoder_2' in index || unet?.addition_embed_type || context === 2048) refuse('an SDXL diffusers folder');
  if (context === 1024) refuse('an SD2.x diffusers folder (1024-wide context, often v-prediction)');
  if (unet?.in_channels !== undefined && unet.in_channels !== 4) refuse(`an SD1.5 variant with ${unet.in_channels} UNet input channels (inpainting or instruct-pix2pix)`, `${SD15_ONLY} with 4 latent input channels`);
  if (Array.isArray(unet?.layers_per_block)) refuse('a UNet with different ResNets per level (layers_per_block is a list)');
}

function single(v: number | readonly number[] | null | undefined, file: string, key: string): number | undefined {
  if (v === null || v === undefined || typeof v === 'number') return v ?? undefined;
  if (v.every((x) => x === v[0])) return v[0];
  throw new Error(`${file}: ${key} [${v.join(', ')}] differs per level; SD1.5 has one value`);
}

function countUnder(keys: readonly string[], prefix: string): number {
  let n = 0;
  while (keys.some((k) => k.startsWith(`${prefix}${n}.`))) n++;
  return n;
}

function unetLayout(keys: readonly string[], c: DiffusersUnetConfig | undefined): DiffusersUnetLayout {
  const layersPerBlock = (c?.layers_per_block as number | undefined) ?? countUnder(keys, 'down_blocks.0.resnets.');
  const attention = c?.down_block_types?.map((t) => t.startsWith('CrossAttn'))
    ?? Array.from({ length: countUnder(keys, 'down_blocks.') }, (_, i) => keys.some((k) => k.startsWith(`down_blocks.${i}.attentions.`)));
  return { layersPerBlock, attention };
}

function vaeLayout(keys: readonly string[], c: z.infer<typeof diffusersVaeConfigSchema> | undefined): DiffusersVaeLayout {
  return {
    levels: c?.block_out_channels?.length ?? countUnder(keys, 'encoder.down_blocks.'),
    layersPerBlock: c?.layers_per_block ?? countUnder(keys, 'encoder.down_blocks.0.resnets.'),
  };
}

interface Part {
  readonly prefix: string;
  readonly file: SafetensorsFile;
  readonly rules: readonly PrefixRule[];
  /** Keys no row covers are an error (the layout does not fit the weights) rather than ignored. */
  readonly strict?: { readonly what: string; readonly config?: string };
}

/** Builds the LDM-keyed table over the parts. */
function renamed(dir: string, parts: readonly Part[]) {
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  const sources = new Map<string, { file: SafetensorsFile; key: string }>();
  for (const p of parts) {
    const unmapped: string[] = [];
    for (const [key, info] of Object.entries(p.file.tensors)) {
      const r = renameKey(key, p.rules, 'diffusers');
      if (!r) {
        unmapped.push(key);
        continue;
      }
      const shape = r.linearAsConv && info.shape.length === 2 ? [...info.shape, 1, 1] : info.shape;
      tensors[p.prefix + r.key] = { ...info, shape };
      sources.set(p.prefix + r.key, { file: p.file, key });
    }
    if (p.strict && unmapped.length > 0) {
      const by = p.strict.config ? `${path.relative(dir, p.strict.config)} describes` : 'its keys describe';
      throw new Error(
        `${p.file.path}: ${unmapped.length} tensors fit no position of the SD1.5 ${p.strict.what} that ${by} (e.g. ${unmapped.slice(0, 3).join(', ')}): another model, or a config.json that does not match the weights`,
      );
    }
  }
  return { tensors, sources };
}

/**
 * Opens the folder's three weights files and renames their keys.
 * @throws ModelStoreError-style messages naming the folder or file: missing parts, `.bin` weights, a non-SD1.5
 *   config (CheckpointKindError), keys that fit no SD1.5 position, a bad safetensors file (SafetensorsError)
 */
export async function openDiffusersCheckpoint(dir: string): Promise<DiffusersCheckpoint> {
  const read = readDiffusersFiles(dir, path.basename(dir));
  if (!read.ok) throw new Error(`${dir}: not a usable diffusers folder: ${read.problems.join('; ')}`);
  const files = read.files;
  const unetConfig = readConfig(files.unetConfig, diffusersUnetConfigSchema);
  const vaeConfig = readConfig(files.vaeConfig, diffusersVaeConfigSchema);
  const textConfig = readConfig(files.textEncoderConfig, hfClipTextConfigSchema);
  classifyConfig(files, unetConfig);
  const opened: SafetensorsFile[] = [];
  try {
    for (const f of [files.unet, files.vae, files.textEncoder]) opened.push(await openSafetensors(f));
    const [unet, vae, text] = opened as [SafetensorsFile, SafetensorsFile, SafetensorsFile];
    const heads = single(unetConfig?.num_attention_heads, files.unetConfig!, 'num_attention_heads')
      ?? single(unetConfig?.attention_head_dim, files.unetConfig!, 'attention_head_dim') ?? SD15_UNET_HEADS;
    const parts: Part[] = [
      { prefix: UNET_PREFIX, file: unet, rules: unetRules(unetLayout(Object.keys(unet.tensors), unetConfig)), strict: { what: 'UNet', config: files.unetConfig } },
      { prefix: VAE_PREFIX, file: vae, rules: vaeRules(vaeLayout(Object.keys(vae.tensors), vaeConfig)), strict: { what: 'VAE', config: files.vaeConfig } },
      { prefix: 'cond_stage_model.transformer.', file: text, rules: TEXT_RULES },
    ];
    const { tensors, sources } = renamed(dir, parts);
    const view: SafetensorsFile = {
      path: dir,
      metadata: {},
      tensors,
      read: (key) => {
        const s = sources.get(key);
        if (!s) throw new SafetensorsError(dir, `no tensor "${key}" in the folder's weights`);
        return s.file.read(s.key);
      },
      close: async () => {
        await Promise.all(opened.map((f) => f.close()));
      },
    };
    const origin = (key: string) => {
      const p = parts.find((x) => key.startsWith(x.prefix));
      if (!p) return { file: dir, key };
      return { file: p.file.path, key: renameKey(key.slice(p.prefix.length), p.rules, 'ldm')?.key ?? key.slice(p.prefix.length) };
    };
    return { files, view, unetHeads: heads, textConfig, origin };
  } catch (e) {
    await Promise.all(opened.map((f) => f.close()));
    throw e;
  }
}
