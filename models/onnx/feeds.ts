/**
 * Casting feeds to a model's declared signature, and decoding its outputs. Exports of the same model differ in
 * dtype and rank (SD1.5 UNet timestep: int64 [1], float32 [1], float16 [1] or a rank-0 float32; text encoder ids:
 * int32 or int64), so callers pass plain numbers and this module makes them fit — or says exactly why not.
 */
import { sizeOf } from '../tensors.js';
import { ModelInputError } from './errors.js';
import { fromFloat16, toFloat16 } from '../float16.js';
import type { HostData, HostTensor, OrtDtype, OutputTensor, TensorMeta, WireTensor } from './tensor-types.js';

/** Feeds cast for the worker, plus the casts made here (safe to transfer instead of copy). */
export interface PreparedFeeds {
  readonly feeds: Record<string, WireTensor>;
  /** Names of feeds whose data is a fresh array owned by the runtime, not the caller. */
  readonly owned: ReadonlySet<string>;
}

/** The dtype name of caller data, for messages. */
export function hostDtype(data: HostData): string {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  return 'number[]';
}

/**
 * Checks every feed against the model's inputs and casts it to the declared dtype and rank.
 * @param file model path, used in error messages
 * @throws ModelInputError for an unknown or missing input, a wrong value count, or dims that cannot fit
 */
export function prepareFeeds(file: string, inputs: readonly TensorMeta[], feeds: Record<string, HostTensor>): PreparedFeeds {
  const byName = new Map(inputs.map((m) => [m.name, m]));
  for (const name of Object.keys(feeds)) {
    if (!byName.has(name)) {
      const known = inputs.map((m) => `${m.name} (${m.type} [${m.shape.join(',')}])`).join(', ');
      throw new ModelInputError(file, name, `is not an input of this model; its inputs are: ${known}`);
    }
  }
  const out: Record<string, WireTensor> = {};
  const owned = new Set<string>();
  for (const meta of inputs) {
    const feed = feeds[meta.name];
    const expected = { dtype: meta.type ?? 'non-tensor', shape: meta.shape };
    if (!feed) throw new ModelInputError(file, meta.name, 'is missing', expected);
    const actual = { dtype: hostDtype(feed.data), shape: feed.dims };
    if (!meta.isTensor || !meta.type) {
      throw new ModelInputError(file, meta.name, 'is not a tensor input (unsupported)', expected, actual);
    }
    if (feed.data.length !== sizeOf(feed.dims)) {
      const problem = `has ${feed.data.length} values, which does not match its own dims`;
      throw new ModelInputError(file, meta.name, problem, expected, actual);
    }
    const dims = fitShape(meta.shape, feed.dims);
    if (!dims) throw new ModelInputError(file, meta.name, 'has a shape that cannot be cast', expected, actual);
    let data: WireTensor['data'];
    try {
      data = castData(feed.data, meta.type);
    } catch (e) {
      throw new ModelInputError(file, meta.name, `cannot be cast (${(e as Error).message})`, expected, actual);
    }
    if (data !== feed.data) owned.add(meta.name);
    out[meta.name] = { type: meta.type, data, dims };
  }
  return { feeds: out, owned };
}

/**
 * Fits supplied dims to a declared shape: same rank with every fixed dim equal, or a single value moved between
 * rank 0, [1], [1,1]… ORT reports an unknown shape as `[]` too, so a multi-value feed passes through unchanged then.
 * @returns the dims to feed, or undefined when they cannot fit
 */
export function fitShape(expected: readonly (number | string)[], dims: readonly number[]): number[] | undefined {
  const fixed = (d: number | string): d is number => typeof d === 'number' && d >= 0;
  if (expected.length === dims.length) {
    return expected.every((d, i) => !fixed(d) || d === dims[i]) ? [...dims] : undefined;
  }
  if (sizeOf(dims) === 1 && expected.every((d) => !fixed(d) || d === 1)) return expected.map(() => 1);
  if (expected.length === 0) return [...dims];
  return undefined;
}

/** Casts values to an ORT element type; returns `data` itself when it already has that layout. */
export function castData(data: HostData, to: OrtDtype): WireTensor['data'] {
  switch (to) {
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(numbers(data));
    case 'float64':
      return data instanceof Float64Array ? data : Float64Array.from(numbers(data));
    case 'float16':
      return toFloat16(numbers(data));
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(integers(data));
    case 'int64':
      return data instanceof BigInt64Array ? data : BigInt64Array.from(integers(data), (v) => BigInt(v));
    case 'uint8':
      return data instanceof Uint8Array ? data : Uint8Array.from(integers(data));
    case 'int8':
      return Int8Array.from(integers(data));
    case 'bool':
      return Uint8Array.from(numbers(data), (v) => (v !== 0 ? 1 : 0));
    default:
      throw new Error(`dtype ${to} is not supported as a model input`);
  }
}

function numbers(data: HostData): ArrayLike<number> {
  return data instanceof BigInt64Array ? Array.from(data, Number) : data;
}

/** Truncates toward zero (numpy `astype(int64)`, as diffusers does with Euler timesteps such as 946.42). */
function integers(data: HostData): number[] {
  return Array.from(numbers(data), (v) => {
    if (!Number.isFinite(v)) throw new Error(`value ${v} is not a finite number`);
    return Math.trunc(v);
  });
}

/** Turns worker outputs into host tensors: every floating dtype becomes float32. */
export function decodeOutputs(outputs: Record<string, WireTensor>): Record<string, OutputTensor> {
  const out: Record<string, OutputTensor> = {};
  for (const [name, t] of Object.entries(outputs)) out[name] = { data: decodeData(t), dims: t.dims } as OutputTensor;
  return out;
}

function decodeData(t: WireTensor): OutputTensor['data'] {
  const d = t.data as unknown;
  switch (t.type) {
    case 'float16':
      return fromFloat16(d as Uint16Array);
    case 'float64':
      return Float32Array.from(d as Float64Array);
    case 'int16':
    case 'uint16':
      return Int32Array.from(d as ArrayLike<number>);
    case 'uint32':
      return BigInt64Array.from(d as Uint32Array, (v) => BigInt(v));
    case 'uint64':
      return BigInt64Array.from(d as BigUint64Array);
    default:
      return t.data as OutputTensor['data'];
  }
}
