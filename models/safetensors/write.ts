/**
 * safetensors writer: an 8-byte little-endian header length, a JSON header (`{name: {dtype, shape, data_offsets}}`
 * plus an optional `__metadata__` string map), then the raw little-endian tensor bytes. The header is padded with
 * spaces to a multiple of 8 so the data that follows is aligned, as the reference implementation does.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { toBfloat16Bits, toHalfBits } from '../onnx-builder/float16.js';

/** Element types the writer supports. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

/**
 * One tensor to write. `data` is float32 values (converted for F16/BF16) or, for F16/BF16 only, raw 16-bit words
 * that are written as they are. Its length must equal the product of `shape`.
 */
export interface SafetensorsTensorInput {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Uint16Array;
}

function tensorBytes(name: string, t: SafetensorsTensorInput): Uint8Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    throw new Error(`safetensors: tensor '${name}' has ${t.data.length} values but shape [${t.shape}] needs ${count}`);
  }
  if (t.dtype === 'F32') {
    if (!(t.data instanceof Float32Array)) throw new Error(`safetensors: tensor '${name}' is F32 but data is not a Float32Array`);
    return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  }
  let words: Uint16Array;
  if (t.data instanceof Uint16Array) words = t.data;
  else {
    const conv = t.dtype === 'F16' ? toHalfBits : toBfloat16Bits;
    words = new Uint16Array(count);
    for (let i = 0; i < count; i++) words[i] = conv(t.data[i]!);
  }
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

/**
 * Encodes tensors (in the given key order) and optional string metadata into a safetensors file image.
 * Throws when a tensor's data length does not match its shape.
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error(`safetensors: '__metadata__' is reserved and cannot name a tensor`);
    const bytes = tensorBytes(name, t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const lengthPrefix = Buffer.alloc(8);
  lengthPrefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([lengthPrefix, json, ...chunks]);
}

/** Writes {@link encodeSafetensors}'s output to `file`, creating parent folders. */
export function writeSafetensors(
  file: string,
  tensors: Record<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodeSafetensors(tensors, metadata));
}
