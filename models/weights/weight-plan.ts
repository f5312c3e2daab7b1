/**
 * Weights of a graph built from a safetensors checkpoint, as ONNX external data. Building is synchronous and only
 * reads the header: each `param` checks the key and its shape, reserves a slot in the data file and returns the
 * initializer's value name. {@link WeightPlan.writeData} then streams the tensors one at a time into the file, so
 * converting a multi-GB checkpoint never holds more than one tensor in memory (docs/ldm-checkpoints.md).
 *
 * Several graphs can share one data file: plans made with the same `location` and `base` offsets append to it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { SafetensorsFile, SafetensorsTensorInfo } from '../safetensors/read.js';
import { WeightKeyError } from './errors.js';

/** How a stored tensor becomes the initializer. */
export type WeightLayout =
  /** As stored. */
  | 'as-is'
  /** A torch Linear weight [out, in] (or a 1×1 conv [out, in, 1, 1]) transposed to [in, out] for x·W. */
  | 'linear';

/** One reserved slot. */
export interface PlannedWeight {
  readonly key: string;
  readonly layout: WeightLayout;
  readonly dims: readonly number[];
  /** Byte offset in the data file. */
  readonly offset: number;
}

/** Big tensors start on a page so ONNX Runtime can map them; small ones on 64 bytes. */
function align(offset: number, bytes: number): number {
  const a = bytes >= 1 << 16 ? 4096 : 64;
  return Math.ceil(offset / a) * a;
}

/** Slots for the tensors of one safetensors header, in one data file. */
export class WeightPlan {
  readonly entries: PlannedWeight[] = [];
  private readonly byKey = new Map<string, PlannedWeight>();
  private end: number;

  constructor(
    private readonly o: {
      /** The source file (for error messages). */
      readonly file: string;
      readonly tensors: Readonly<Record<string, SafetensorsTensorInfo>>;
      /** The data file's name as the model refers to it (same folder). */
      readonly location: string;
      /** First free byte of the data file (when another plan wrote before this one). */
      readonly base?: number;
      /**
       * Slots of a data file written earlier: `param` reuses them and refuses keys that are not among them, so a
       * second graph (another CLIP layer, the IP UNet) shares the first one's weights without writing them again.
       */
      readonly written?: readonly PlannedWeight[];
      /**
       * The file and key a tensor really comes from, for error messages, when `tensors` is a renamed view over
       * other files (a diffusers folder read in LDM keys, models/ldm/diffusers-folder.ts).
       */
      readonly origin?: (key: string) => { readonly file: string; readonly key: string };
    },
  ) {
    this.end = o.base ?? 0;
    for (const e of o.written ?? []) this.byKey.set(`${e.key}|${e.layout}`, e);
  }

  /** Bytes the data file will have. */
  get size(): number {
    return this.end;
  }

  /** Whether the checkpoint has `key`. */
  has(key: string): boolean {
    return key in this.o.tensors;
  }

  /** The stored shape of `key`. @throws WeightKeyError when it is missing */
  shape(key: string): readonly number[] {
    const t = this.o.tensors[key];
    if (!t) {
      const at = this.origin(key);
      throw WeightKeyError.missing(at.file, at.key);
    }
    return t.shape;
  }

  private origin(key: string): { readonly file: string; readonly key: string } {
    return this.o.origin?.(key) ?? { file: this.o.file, key };
  }

  /**
   * Adds `key` as an initializer of `b` and returns its value name (float32).
   * @param expect the stored shape the architecture needs; a mismatch throws naming the key and both shapes
   */
  param(b: GraphBuilder, key: string, expect: readonly number[], layout: WeightLayout = 'as-is'): string {
    const stored = this.shape(key);
    const same = stored.length === expect.length && stored.every((d, i) => d === expect[i]);
    if (!same) {
      const at = this.origin(key);
      throw WeightKeyError.shape(at.file, at.key, stored, expect);
    }
    const dims = layout === 'linear' ? [stored[1]!, stored[0]!] : [...stored];
    const bytes = dims.reduce((a, c) => a * c, 1) * 4;
    let slot = this.byKey.get(`${key}|${layout}`);
    if (!slot && this.o.written) throw new Error(`${this.o.file}: tensor "${key}" is not in the converted weights ${this.o.location}`);
    if (!slot) {
      slot = { key, layout, dims, offset: align(this.end, bytes) };
      this.end = slot.offset + bytes;
      this.byKey.set(`${key}|${layout}`, slot);
      this.entries.push(slot);
    }
    return b.externalInit({ dims, location: this.o.location, offset: slot.offset, name: key });
  }

  /**
   * Writes every planned tensor into `dataFile` (created or extended), one tensor in memory at a time.
   * @param signal checked between tensors
   */
  async writeData(source: SafetensorsFile, dataFile: string, signal?: AbortSignal): Promise<void> {
    const fd = openSync(dataFile, (this.o.base ?? 0) > 0 ? 'r+' : 'w');
    try {
      for (const e of this.entries) {
        signal?.throwIfAborted();
        const values = arrange(await source.read(e.key), e);
        writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 0, values.byteLength, e.offset);
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Applies a slot's layout to the stored values. */
function arrange(values: Float32Array, e: PlannedWeight): Float32Array {
  if (e.layout === 'as-is') return values;
  const [inDim, outDim] = e.dims as [number, number];
  const out = new Float32Array(values.length);
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < inDim; i++) out[i * outDim + o] = values[o * inDim + i]!;
  }
  return out;
}
