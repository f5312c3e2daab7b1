/**
 * The CLIP image tower (ViT) as an ONNX graph over a file's own weights, in the Hugging Face layout
 * (`vision_model.embeddings.*`, `pre_layrnorm`, `encoder.layers.{i}.*`, `post_layernorm`, `visual_projection.weight`
 * [P, d]) or the OpenCLIP/OpenAI layout (`visual.conv1.weight`, `class_embedding`, `positional_embedding`, `ln_pre`,
 * `transformer.resblocks.{i}.*`, `ln_post`, `proj` [d, P]). Patch size, image size (√(positions − 1) · patch), width,
 * depth, MLP size and projection come from the shapes, so OpenAI ViT-B/32, B/16, L/14 and OpenCLIP ViT-H/14 need
 * no config; heads and activation come from `config.json` when given, else from the width (see
 * {@link readClipVisionTower}). Outputs as ComfyUI's CLIP_VISION_OUTPUT (comfy/clip_vision.py):
 * `image_embeds` [batch, P], `last_hidden_state` [batch, tokens, d] (the encoder output, before post_layernorm) and
 * `penultimate_hidden_states` (the output of the layer before the last; the tower's input for a 1-layer model).
 */
import { z } from 'zod';
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { expandToBatch } from '../onnx-builder/layers.js';
import { layerNorm, linear, type Net } from '../weights/torch-layers.js';
import type { WeightPlan } from '../weights/weight-plan.js';
import { CLIP_ACTIVATIONS, type ClipActivation, type ClipKeyLayout, clipLayer, countLayers } from './clip-layers.js';

/** What the weights (and config.json) say about the image tower. */
export interface ClipVisionStructure {
  readonly layout: ClipKeyLayout;
  /** `vision_model.` (hf) or `visual.` (openclip), or those under another prefix. */
  readonly prefix: string;
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly patchSize: number;
  /** Input side S in pixels. */
  readonly imageSize: number;
  readonly activation: ClipActivation;
  readonly eps: number;
  /** Width of `image_embeds`. */
  readonly projectionDim: number;
  readonly projectionKey: string;
}

/** The fields of a HF `CLIPVisionConfig` we read (a `CLIPConfig`'s `vision_config`, or a vision config.json). */
export const hfClipVisionConfigSchema = z.looseObject({
  num_attention_heads: z.number().int().positive().optional(),
  hidden_act: z.enum(CLIP_ACTIVATIONS).optional(),
  layer_norm_eps: z.number().positive().optional(),
});
export type HfClipVisionConfig = z.infer<typeof hfClipVisionConfigSchema>;

function visionKeys(prefix: string, layout: ClipKeyLayout) {
  const p = prefix;
  return layout === 'hf'
    ? {
        cls: `${p}embeddings.class_embedding`, patch: `${p}embeddings.patch_embedding.weight`, positions: `${p}embeddings.position_embedding.weight`,
        pre: `${p}pre_layrnorm`, layers: `${p}encoder.layers.`, post: `${p}post_layernorm`, fc1: 'mlp.fc1.weight',
      }
    : {
        cls: `${p}class_embedding`, patch: `${p}conv1.weight`, positions: `${p}positional_embedding`,
        pre: `${p}ln_pre`, layers: `${p}transformer.resblocks.`, post: `${p}ln_post`, fc1: 'mlp.c_fc.weight',
      };
}

/** Heads by width when no config says: OpenCLIP ViT-H (1280) and ViT-bigG (1664) have 16, the others heads of 64. */
function headsFor(width: number): number {
  if (width === 1280 || width === 1664) return 16;
  return Math.max(1, Math.round(width / 64));
}

/** Options of {@link readClipVisionTower}. */
export interface ReadVisionTowerOptions {
  readonly layout: ClipKeyLayout;
  /** Default `vision_model.` (hf) or `visual.` (openclip). */
  readonly prefix?: string;
  /** Projection key; default `visual_projection.weight` (hf) or `<prefix>proj` (openclip). */
  readonly projectionKey?: string;
  readonly config?: HfClipVisionConfig;
}

/**
 * Reads the sizes from the shapes. Without a config the activation is GELU from width 1280 up (OpenCLIP ViT-H and
 * bigG, as ComfyUI's `clip_vision_config_h.json`) and quick_gelu below (OpenAI ViT-B, ViT-L).
 * @throws WeightKeyError naming the file when a needed key is missing
 */
export function readClipVisionTower(w: WeightPlan, keys: readonly string[], o: ReadVisionTowerOptions): ClipVisionStructure {
  const prefix = o.prefix ?? (o.layout === 'hf' ? 'vision_model.' : 'visual.');
  const k = visionKeys(prefix, o.layout);
  const [width, channels, patchSize] = w.shape(k.patch) as [number, number, number];
  if (channels !== 3) throw new Error(`${k.patch}: expected a patch embedding over 3 colour channels, got ${channels}`);
  const tokens = w.shape(k.positions)[0]!;
  const grid = Math.round(Math.sqrt(tokens - 1));
  if (grid * grid !== tokens - 1) throw new Error(`${k.positions}: ${tokens} positions are not a square grid plus the class token`);
  const projectionKey = o.projectionKey ?? (o.layout === 'hf' ? 'visual_projection.weight' : `${prefix}proj`);
  const projectionDim = w.shape(projectionKey)[o.layout === 'hf' ? 0 : 1]!;
  return {
    layout: o.layout, prefix, width, patchSize, imageSize: grid * patchSize,
    layers: countLayers(keys, k.layers),
    heads: o.config?.num_attention_heads ?? headsFor(width),
    intermediate: w.shape(`${k.layers}0.${k.fc1}`)[0]!,
    activation: o.config?.hidden_act ?? (width >= 1280 ? 'gelu' : 'quick_gelu'),
    eps: o.config?.layer_norm_eps ?? 1e-5,
    projectionDim, projectionKey,
  };
}

/** Value names {@link clipVisionGraph} returns. */
export interface ClipVisionValues {
  readonly imageEmbeds: string;
  readonly lastHidden: string;
  readonly penultimate: string;
}

/** Adds the image tower on `pixels` [B, 3, S, S] to `n.b`; see the module comment. */
export function clipVisionGraph(n: Net, pixels: string, s: ClipVisionStructure): ClipVisionValues {
  const { b, w } = n;
  const k = visionKeys(s.prefix, s.layout);
  const d = s.width;
  const p = s.patchSize;
  const conv = w.param(b, k.patch, [d, 3, p, p]);
  const patches = b.op('Conv', [pixels, conv], { kernel_shape: [p, p], strides: [p, p] });
  const seq = b.transpose(b.reshape(patches, [0, d, -1]), [0, 2, 1]);
  const cls = expandToBatch(b, b.reshape(w.param(b, k.cls, [d]), [1, 1, d]), pixels, [1, d]);
  const tokens = (s.imageSize / p) ** 2 + 1;
  let x = b.add(b.concat([cls, seq], 1), w.param(b, k.positions, [tokens, d]));
  x = layerNorm(n, x, k.pre, d, s.eps);
  let penultimate = x;
  for (let i = 0; i < s.layers; i++) {
    if (i === s.layers - 1) penultimate = x;
    x = clipLayer(n, x, `${k.layers}${i}`, s, { layout: s.layout });
  }
  const pooled = layerNorm(n, b.gather(x, b.constInt64([0], [], 'cls_index'), 1), k.post, d, s.eps);
  const imageEmbeds = s.layout === 'hf'
    ? linear(n, pooled, s.projectionKey.replace(/\.weight$/, ''), { inDim: d, outDim: s.projectionDim, bias: false })
    : b.matMul(pooled, w.param(b, s.projectionKey, [d, s.projectionDim]));
  return { imageEmbeds, lastHidden: x, penultimate };
}

/**
 * The stand-alone image encoder: `pixel_values` f32 [batch, 3, S, S] → `image_embeds` [batch, P],
 * `last_hidden_state` and `penultimate_hidden_states` [batch, tokens, d]. Weights are planned into `weights`.
 */
export function buildClipVisionTower(structure: ClipVisionStructure, weights: WeightPlan): GraphBuilder {
  const s = structure;
  const b = new GraphBuilder({ name: 'clip_vision' });
  const pixels = b.input('pixel_values', 'float32', ['batch', 3, s.imageSize, s.imageSize]);
  const v = clipVisionGraph({ b, w: weights }, pixels, s);
  const tokens = (s.imageSize / s.patchSize) ** 2 + 1;
  b.output('image_embeds', v.imageEmbeds, 'float32', ['batch', s.projectionDim]);
  b.output('last_hidden_state', v.lastHidden, 'float32', ['batch', tokens, s.width]);
  b.output('penultimate_hidden_states', v.penultimate, 'float32', ['batch', tokens, s.width]);
  return b;
}
