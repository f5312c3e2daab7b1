/** Test fixtures for the store: folder trees with placeholder files, and minimal safetensors files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `files` (relative path → content) under `root`; folders are created as needed. */
export function tree(root: string, files: Record<string, string | Uint8Array>): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** A complete SD1.5 ONNX checkpoint (placeholder model bytes: the store does not parse ONNX). */
export function sd15Files(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'model_index.json': JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline', vae_encoder: [null, null] }),
    'text_encoder/model.onnx': 'onnx',
    'unet/model.onnx': 'onnx',
    'unet/weights.pb': 'weights',
    'vae_decoder/model.onnx': 'onnx',
    'tokenizer/vocab.json': '{}',
    'tokenizer/merges.txt': '#version: 0.2',
    'scheduler/scheduler_config.json': JSON.stringify({ num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012 }),
    ...extra,
  };
}

/** A safetensors file with zero-filled F32 tensors of the given shapes. */
export function safetensors(shapes: Record<string, number[]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

/** IP-Adapter SD1.5 tensor shapes (docs/model-folders.md), with `layers` to_k_ip/to_v_ip pairs of 8 channels. */
export function ipAdapterShapes(layers = 16): Record<string, number[]> {
  const shapes: Record<string, number[]> = {
    'image_proj.proj.weight': [3072, 1024],
    'image_proj.proj.bias': [3072],
    'image_proj.norm.weight': [768],
    'image_proj.norm.bias': [768],
  };
  for (let i = 0; i < layers; i++) {
    shapes[`ip_adapter.${2 * i + 1}.to_k_ip.weight`] = [8, 768];
    shapes[`ip_adapter.${2 * i + 1}.to_v_ip.weight`] = [8, 768];
  }
  return shapes;
}

/** DeCLIP projector shapes for embedding size d and hidden size h. */
export function declipShapes(d: number, h: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const b of ['perceptual', 'semantic']) {
    shapes[`${b}.fc1.weight`] = [h, d];
    shapes[`${b}.fc1.bias`] = [h];
    shapes[`${b}.fc2.weight`] = [d, h];
  }
  return shapes;
}
