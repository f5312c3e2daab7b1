/**
 * The reference layout of the base SD1.5 IP-Adapter file, `ip-adapter_sd15.safetensors` (shared docs/model-folders.md,
 * 36 tensors), and a validator that lists every way a file departs from it:
 * - `image_proj.proj.weight` [4·768, 1024], `image_proj.proj.bias` [3072], `image_proj.norm.weight|bias` [768];
 * - `ip_adapter.{k}.to_k_ip.weight` and `.to_v_ip.weight` [C_k, 768] for k = 1, 3, …, 31, with C_k from the table
 *   of attn2 layers (down 320/640/1280, up 1280/640/320, mid 1280).
 *
 * The project's tiny stand-in (metadata `perceptgraph_tiny`, written by `models/tiny/ip-adapter.ts`) keeps every key
 * and the real projection sizes but gives each IP layer the tiny UNet's width; it is validated against that uniform
 * width instead of the SD1.5 channel table. Nothing else is relaxed for it.
 */
import type { SafetensorsDtype, SafetensorsTensorInfo } from '../safetensors/read.js';

/** C_k of the 16 attn2 layers in key order k = 1, 3, …, 31 (docs/model-folders.md table). */
export const SD15_IP_LAYER_CHANNELS: readonly number[] = [
  320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320, 1280,
];

/** Sizes of the base adapter for SD1.5 with OpenCLIP ViT-H/14 image embeddings. */
export const SD15_IP_ADAPTER = { imageEmbedDim: 1024, crossAttentionDim: 768, tokens: 4 } as const;

/** Metadata key that marks the project's tiny stand-in file. */
export const TINY_METADATA_KEY = 'perceptgraph_tiny';

/** Which table of layer widths a file was checked against. */
export type IpAdapterLayoutKind = 'sd15' | 'tiny';

/** What a valid file holds. */
export interface IpAdapterLayout {
  readonly kind: IpAdapterLayoutKind;
  /** CLIP image embedding size d (1024). */
  readonly imageEmbedDim: number;
  /** UNet cross-attention size (768). */
  readonly crossAttentionDim: number;
  /** Image tokens (4). */
  readonly tokens: number;
  /** C_k of each IP layer, in key order k = 1, 3, …, 31. */
  readonly layerChannels: readonly number[];
}

/** Validation result: the layout, or every problem found (each names the tensor and expected vs actual). */
export type IpAdapterValidation =
  | { readonly ok: true; readonly layout: IpAdapterLayout }
  | { readonly ok: false; readonly problems: readonly string[] };

const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16', 'F64'];

/** The safetensors key of IP layer `i` (0-based): `ip_adapter.{2i+1}.to_{k|v}_ip.weight`. */
export function ipLayerTensorKey(i: number, which: 'k' | 'v'): string {
  return `ip_adapter.${2 * i + 1}.to_${which}_ip.weight`;
}

/** Every key of the reference file with its expected shape, for the given layer widths. */
export function referenceShapes(layerChannels: readonly number[]): Map<string, readonly number[]> {
  const { imageEmbedDim: d, crossAttentionDim: c, tokens } = SD15_IP_ADAPTER;
  const shapes = new Map<string, readonly number[]>([
    ['image_proj.proj.weight', [tokens * c, d]],
    ['image_proj.proj.bias', [tokens * c]],
    ['image_proj.norm.weight', [c]],
    ['image_proj.norm.bias', [c]],
  ]);
  layerChannels.forEach((ch, i) => {
    shapes.set(ipLayerTensorKey(i, 'k'), [ch, c]);
    shapes.set(ipLayerTensorKey(i, 'v'), [ch, c]);
  });
  return shapes;
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Recognises the other IP-Adapter variants by their keys, so the message names what the file is. */
function variantProblem(tensors: Readonly<Record<string, SafetensorsTensorInfo>>): string | undefined {
  const keys = Object.keys(tensors);
  if (keys.some((k) => k.startsWith('image_proj.latents') || k.startsWith('image_proj.proj_in'))) {
    return 'this is an IP-Adapter Plus file (Resampler image projection, 16 tokens); DP-Adapter needs the base ip-adapter_sd15 (image_proj.proj + image_proj.norm, 4 tokens)';
  }
  if (keys.some((k) => k.startsWith('image_proj.proj.0') || k.startsWith('image_proj.proj.2'))) {
    return 'this is an IP-Adapter Full-face / FaceID file (MLP image projection); DP-Adapter needs the base ip-adapter_sd15';
  }
  const proj = tensors['image_proj.proj.weight']?.shape;
  if (proj && proj.length === 2 && proj[1] === 1280) {
    return `image_proj.proj.weight is ${fmt(proj)}: this is ip-adapter_sd15_vit-G (OpenCLIP bigG, 1280-d embeddings); DP-Adapter sits on ViT-H/14 (1024-d), use ip-adapter_sd15.safetensors`;
  }
  return undefined;
}

/**
 * The layer widths a file is checked against: the SD1.5 table, or for a tiny file either one uniform width (the
 * ONNX stand-in UNet's) or the SD1.5 table scaled to its first width (a tiny LDM checkpoint with SD1.5's blocks).
 */
function expectedChannels(tensors: Readonly<Record<string, SafetensorsTensorInfo>>, metadata: Readonly<Record<string, string>>) {
  if (metadata[TINY_METADATA_KEY] === undefined) return { kind: 'sd15' as const, channels: SD15_IP_LAYER_CHANNELS };
  // The first IP layer present sets the uniform width, so a missing first layer is reported as missing only.
  const first = SD15_IP_LAYER_CHANNELS.map((_, i) => tensors[ipLayerTensorKey(i, 'k')]?.shape[0]).find((c) => c !== undefined);
  const third = tensors[ipLayerTensorKey(2, 'k')]?.shape[0];
  const scaled = first !== undefined && third !== undefined && third !== first;
  const channels = SD15_IP_LAYER_CHANNELS.map((c) => (scaled ? (c * first) / SD15_IP_LAYER_CHANNELS[0]! : first ?? 0));
  return { kind: 'tiny' as const, channels };
}

/**
 * Checks a safetensors header against the reference layout: every missing tensor (with its expected shape), every
 * wrong shape (expected vs actual), non-float dtypes and unexpected tensors, all reported at once.
 */
export function validateIpAdapterHeader(
  tensors: Readonly<Record<string, SafetensorsTensorInfo>>,
  metadata: Readonly<Record<string, string>> = {},
): IpAdapterValidation {
  const variant = variantProblem(tensors);
  if (variant) return { ok: false, problems: [variant] };
  const { kind, channels } = expectedChannels(tensors, metadata);
  const expected = referenceShapes(channels);
  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const info = tensors[key];
    if (!info) problems.push(`missing tensor ${key} (expected shape ${fmt(shape)})`);
    else if (fmt(info.shape) !== fmt(shape)) problems.push(`tensor ${key} has shape ${fmt(info.shape)}, expected ${fmt(shape)}`);
    else if (!FLOAT_DTYPES.includes(info.dtype)) problems.push(`tensor ${key} is ${info.dtype}, expected a float type (F16/F32/BF16)`);
  }
  const extra = Object.keys(tensors).filter((k) => !expected.has(k));
  if (extra.length > 0) {
    const shown = extra.slice(0, 5).join(', ') + (extra.length > 5 ? `, … (${extra.length} in all)` : '');
    problems.push(`unexpected tensor(s) not in ip-adapter_sd15: ${shown}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, layout: { kind, ...SD15_IP_ADAPTER, layerChannels: channels } };
}
