/**
 * Tensor shapes that cross the model boundary. Callers pass plain host tensors; `models/onnx` casts them to what the
 * model declares, and hands back float32 for every floating output (float16/float64 models included).
 */
import type { FloatTensor } from '../tensors.js';

/** Element types of an input as a caller may supply it; the model's declared dtype decides the cast. */
export type HostData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | readonly number[];

/** A caller-side tensor. `dims: []` is a scalar. `data.length` must equal the product of `dims`. */
export interface HostTensor {
  readonly data: HostData;
  readonly dims: readonly number[];
}

/** An integer or boolean model output: int32 → Int32Array, int64 → BigInt64Array, bool/uint8/int8 → Uint8Array/Int8Array. */
export interface IntTensor {
  readonly data: Int32Array | BigInt64Array | Uint8Array | Int8Array;
  readonly dims: readonly number[];
}

/** A model output: FloatTensor for every floating dtype, IntTensor otherwise. */
export type OutputTensor = FloatTensor | IntTensor;

/** onnxruntime's tensor element type names (the subset a model may declare). */
export type OrtDtype =
  | 'float32' | 'float16' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool' | 'int16' | 'uint16'
  | 'uint32' | 'uint64' | 'string' | 'bfloat16';

/** One model input or output as `session.inputMetadata` reports it. Symbolic dims are strings ("batch"). */
export interface TensorMeta {
  readonly name: string;
  readonly isTensor: boolean;
  /** Element type; undefined for non-tensor values (sequences, maps). */
  readonly type?: OrtDtype;
  /** Declared shape; `[]` means rank 0 or unknown (ORT does not tell them apart). */
  readonly shape: readonly (number | string)[];
}

/** A tensor in onnxruntime's own element layout, ready to post to the inference worker. */
export interface WireTensor {
  readonly type: OrtDtype;
  readonly data: Float32Array | Float64Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
  readonly dims: readonly number[];
}

/** Formats a shape for messages: `[batch,4,64,64]`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

/** Returns the output as a FloatTensor, or throws naming the model file and output when it is not floating. */
export function floatOutput(outputs: Record<string, OutputTensor>, name: string, file = 'model'): FloatTensor {
  const t = outputs[name];
  if (!t) throw new Error(`${file}: no output "${name}" (outputs: ${Object.keys(outputs).join(', ')})`);
  if (!(t.data instanceof Float32Array)) {
    throw new Error(`${file}: output "${name}" is ${t.data.constructor.name}, expected float`);
  }
  return t as FloatTensor;
}
