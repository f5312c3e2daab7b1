/**
 * Recognises safetensors weight files: the base IP-Adapter for SD1.5 (docs/model-folders.md: `image_proj.proj.*`,
 * `image_proj.norm.*`, `ip_adapter.{k}.to_{k,v}_ip.weight`) and DeCLIP projectors (docs/model-folders.md). Only the header is
 * read, so listing a folder of multi-GB files stays cheap.
 */
import path from 'node:path';
import { readSafetensorsHeaderSync, type SafetensorsTensorInfo } from '../safetensors/read.js';
import { declipManifestSchema, ipAdapterManifestSchema, vaeManifestSchema, type ModelEntry } from './manifests.js';

type Tensors = Readonly<Record<string, SafetensorsTensorInfo>>;

/** Why a non-safetensors file in a weights folder is not loaded, or undefined for a .safetensors file. */
function fileTypeProblem(name: string): string | undefined {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.safetensors') return undefined;
  if (['.bin', '.pt', '.pth', '.ckpt'].includes(ext)) {
    return `${name} is a PyTorch pickle; only .safetensors is loaded (convert it, e.g. with safetensors.torch.save_file)`;
  }
  return `${name} is not a .safetensors file`;
}

function readHeader(file: string, name: string): { tensors: Tensors; metadata: Record<string, string> } | string {
  const bad = fileTypeProblem(name);
  if (bad) return bad;
  try {
    return readSafetensorsHeaderSync(file);
  } catch (e) {
    return (e as Error).message;
  }
}

const shapeOf = (t: Tensors, key: string) => t[key]?.shape;
const fmt = (s: readonly (number | string)[]) => `[${s.join(',')}]`;

/** Reads an IP-Adapter file; never throws. */
export function readIpAdapter(file: string, name: string): ModelEntry<'ipadapter'> {
  const broken = (problems: string[]) => ({ kind: 'ipadapter' as const, name, ok: false as const, problems });
  const header = readHeader(file, name);
  if (typeof header === 'string') return broken([header]);
  const t = header.tensors;
  const keys = Object.keys(t);
  if (keys.some((k) => k.startsWith('image_proj.latents') || k.startsWith('image_proj.proj_in') || k.startsWith('image_proj.proj.0'))) {
    return broken(['this is an IP-Adapter Plus / Full-face file (resampler or MLP projection); only the base ip-adapter_sd15 (image_proj.proj + image_proj.norm) is supported']);
  }
  const proj = shapeOf(t, 'image_proj.proj.weight');
  const norm = shapeOf(t, 'image_proj.norm.weight');
  const problems = ['image_proj.proj.weight', 'image_proj.proj.bias', 'image_proj.norm.weight', 'image_proj.norm.bias']
    .filter((k) => !t[k])
    .map((k) => `missing tensor ${k}`);
  if (problems.length > 0) return broken(problems);
  const cross = norm![0]!;
  if (proj!.length !== 2 || norm!.length !== 1 || proj![0]! % cross !== 0) {
    return broken([`image_proj.proj.weight ${fmt(proj!)} does not fit image_proj.norm.weight ${fmt(norm!)}: expected [tokens·C, d] and [C]`]);
  }
  const tokens = proj![0]! / cross;
  if (fmt(shapeOf(t, 'image_proj.proj.bias')!) !== fmt([proj![0]!]) || fmt(shapeOf(t, 'image_proj.norm.bias')!) !== fmt([cross])) {
    return broken([`image_proj biases do not match: expected proj.bias [${proj![0]}] and norm.bias [${cross}]`]);
  }
  const ipLayers = keys.filter((k) => /^ip_adapter\.\d+\.to_k_ip\.weight$/.test(k)).length;
  const warnings = ipLayers === 0 ? ['no ip_adapter.*.to_k_ip layers: only the image projection is usable (the ONNX unet_ip/ bakes its own)'] : [];
  const manifest = ipAdapterManifestSchema.parse({
    kind: 'ipadapter', name, file, imageEmbedDim: proj![1], crossAttentionDim: cross, tokens, ipLayers, warnings,
  });
  return { kind: 'ipadapter', name, ok: true, manifest };
}

/** Reads a DeCLIP projector file; never throws. */
export function readDeclip(file: string, name: string): ModelEntry<'declip'> {
  const broken = (problems: string[]) => ({ kind: 'declip' as const, name, ok: false as const, problems });
  const header = readHeader(file, name);
  if (typeof header === 'string') return broken([header]);
  const t = header.tensors;
  const fc1 = shapeOf(t, 'perceptual.fc1.weight');
  if (!fc1 || fc1.length !== 2) {
    const found = Object.keys(t).slice(0, 6).join(', ') || 'no tensors';
    return broken([`missing tensor perceptual.fc1.weight [h,d] (found: ${found}): not a DeCLIP projector file`]);
  }
  const [h, d] = fc1 as [number, number];
  const problems: string[] = [];
  for (const branch of ['perceptual', 'semantic']) {
    const expected: Record<string, number[]> = { 'fc1.weight': [h, d], 'fc1.bias': [h], 'fc2.weight': [d, h] };
    for (const [part, shape] of Object.entries(expected)) {
      const key = `${branch}.${part}`;
      const got = shapeOf(t, key);
      if (!got) problems.push(`missing tensor ${key} ${fmt(shape)}`);
      else if (fmt(got) !== fmt(shape)) problems.push(`${key} is ${fmt(got)}, expected ${fmt(shape)} (h=${h}, d=${d} from perceptual.fc1.weight)`);
    }
    if (t[`${branch}.fc2.bias`]) problems.push(`${branch}.fc2.bias is not part of the format (W2 is bias-free)`);
  }
  if (problems.length > 0) return broken(problems);
  const manifest = declipManifestSchema.parse({
    kind: 'declip', name, file, embedDim: d, hiddenDim: h, metadata: header.metadata, warnings: [],
  });
  return { kind: 'declip', name, ok: true, manifest };
}

/**
 * Lists a standalone VAE file by extension (as ComfyUI's `vae/` folder); its keys are checked when VAELoader
 * converts it (docs/ldm-checkpoints.md), so a wrong file fails on the loader node. Never throws.
 */
export function readVae(file: string, name: string): ModelEntry<'vae'> {
  const bad = fileTypeProblem(name);
  if (bad) return { kind: 'vae', name, ok: false, problems: [bad] };
  return { kind: 'vae', name, ok: true, manifest: vaeManifestSchema.parse({ kind: 'vae', name, file, warnings: [] }) };
}
