/**
 * A small typed ONNX graph builder on top of `onnx-proto` (protobufjs). Values are tensor names (strings); each op
 * helper adds one node and returns its output name. Models are opset 17, IR version 8, which onnxruntime 1.30 runs.
 *
 * Precision: with `precision: 'float16'` every float graph input, output and initializer is declared FLOAT16, and
 * Cast nodes convert to float32 at the boundary, so the maths inside stays float32 (every CPU kernel has it) while
 * the file looks like an fp16 export to whoever loads it.
 */
import onnxProto from 'onnx-proto';
import { toHalfArray } from './float16.js';
import { type Rng, randomNormal } from './prng.js';

const { onnx } = onnxProto;

/** Tensor element types the builder can declare. */
export type DType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';

/** A dimension: a fixed size, or a symbolic name such as `'batch'`. */
export type Dim = number | string;

/** An attribute value. Plain numbers are INT and number arrays INTS; wrap floats as `{ float }` / `{ floats }`. */
export type AttrValue = number | readonly number[] | string | { float: number } | { floats: readonly number[] };

/** Options of {@link GraphBuilder}. */
export interface GraphBuilderOptions {
  /** Graph name stored in the file. */
  name: string;
  /** Storage type of float inputs, outputs and initializers; compute is always float32. Default float32. */
  precision?: 'float32' | 'float16';
  /** Default opset 17 (LayerNormalization needs ≥ 17). */
  opset?: number;
}

const TENSOR_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

function valueInfo(name: string, dtype: DType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: TENSOR_TYPE[dtype], shape: { dim } } } };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: [...(v as number[])] };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.FLOATS, floats: [...(v as { floats: number[] }).floats] };
}

function rawBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Builds one ONNX graph. See the module comment for the precision rule. */
export class GraphBuilder {
  readonly precision: 'float32' | 'float16';
  private readonly name: string;
  private readonly opset: number;
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly domains = new Set<string>();
  private counter = 0;

  constructor(options: GraphBuilderOptions) {
    this.name = options.name;
    this.precision = options.precision ?? 'float32';
    this.opset = options.opset ?? 17;
  }

  /** A fresh unique value name starting with `prefix`. */
  fresh(prefix: string): string {
    let n = prefix;
    while (this.used.has(n)) n = `${prefix}_${++this.counter}`;
    this.used.add(n);
    return n;
  }

  /**
   * Declares a graph input and returns the value to compute with. A float32 input of a float16 graph is declared
   * float16 and cast to float32 here.
   */
  input(name: string, dtype: DType, dims: readonly Dim[]): string {
    if (this.used.has(name)) throw new Error(`GraphBuilder(${this.name}): duplicate value name '${name}'`);
    this.used.add(name);
    const stored = dtype === 'float32' ? this.floatType() : dtype;
    this.inputs.push(valueInfo(name, stored, dims));
    return stored === 'float16' ? this.cast(name, 'float32') : name;
  }

  /** Declares graph output `name` = `value` (cast to float16 in a float16 graph when `dtype` is float32). */
  output(name: string, value: string, dtype: DType, dims: readonly Dim[]): void {
    if (this.used.has(name)) throw new Error(`GraphBuilder(${this.name}): output name '${name}' already in use`);
    this.used.add(name);
    const stored = dtype === 'float32' ? this.floatType() : dtype;
    if (stored === 'float16') this.node('Cast', [value], [name], { to: TENSOR_TYPE.float16 });
    else this.node('Identity', [value], [name]);
    this.outputs.push(valueInfo(name, stored, dims));
  }

  /** A float initializer (stored as float16 in a float16 graph, then cast). Returns the float32 value. */
  floatInit(data: Float32Array, dims: readonly number[], name = 'w'): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(`GraphBuilder(${this.name}): initializer '${name}' has ${data.length} values for dims [${dims}]`);
    }
    const id = this.fresh(name);
    if (this.floatType() === 'float32') {
      this.inits.push({ name: id, dims: [...dims], dataType: TENSOR_TYPE.float32, rawData: rawBytes(data) });
      return id;
    }
    this.inits.push({ name: id, dims: [...dims], dataType: TENSOR_TYPE.float16, rawData: rawBytes(toHalfArray(data)) });
    return this.cast(id, 'float32');
  }

  /**
   * A float32 initializer whose bytes live in an ONNX external data file (`location`, relative to the model file),
   * so a graph over 2 GB stays a small protobuf. Always float32, whatever `precision` says. Returns its value name.
   */
  externalInit(o: { dims: readonly number[]; location: string; offset: number; name?: string }): string {
    const id = this.fresh(o.name ?? 'w');
    const length = o.dims.reduce((a, b) => a * b, 1) * 4;
    this.inits.push({
      name: id,
      dims: [...o.dims],
      dataType: TENSOR_TYPE.float32,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: o.location },
        { key: 'offset', value: String(o.offset) },
        { key: 'length', value: String(length) },
      ],
    });
    return id;
  }

  /** Seeded normal weights with standard deviation `std`. */
  weight(rng: Rng, dims: readonly number[], std: number, name = 'w'): string {
    return this.floatInit(randomNormal(rng, dims.reduce((a, b) => a * b, 1), std), dims, name);
  }

  /** A float constant (scalar when `dims` is empty). */
  constFloat(values: number | readonly number[] | Float32Array, dims: readonly number[] = [], name = 'c'): string {
    return this.floatInit(typeof values === 'number' ? Float32Array.of(values) : Float32Array.from(values), dims, name);
  }

  /** An int64 constant; a 1-D array unless `dims` says otherwise (`[]` for a scalar). */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length], name = 'i'): string {
    const id = this.fresh(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.inits.push({ name: id, dims: [...dims], dataType: TENSOR_TYPE.int64, rawData: rawBytes(data) });
    return id;
  }

  /** Adds a node with explicit output names. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {}): void {
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType, input: [...inputs], output: [...outputs], attribute: attribute_, name: outputs[0] });
  }

  /**
   * Adds a single-output node of ONNX Runtime's contrib domain `com.microsoft` (e.g. MultiHeadAttention, which
   * ORT's CPU and CUDA providers run as one fused kernel) and returns its output name.
   */
  msOp(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    const out = this.fresh(opType.toLowerCase());
    this.node(opType, inputs, [out], attrs);
    this.nodes[this.nodes.length - 1]!.domain = 'com.microsoft';
    this.domains.add('com.microsoft');
    return out;
  }

  /** Adds a single-output node and returns its output name. An empty string input means "absent optional input". */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    const out = this.fresh(opType.toLowerCase());
    this.node(opType, inputs, [out], attrs);
    return out;
  }

  cast(x: string, to: DType): string {
    return this.op('Cast', [x], { to: TENSOR_TYPE[to] });
  }
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  matMul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  sigmoid(x: string): string {
    return this.op('Sigmoid', [x]);
  }
  /** SiLU(x) = x·sigmoid(x). */
  silu(x: string): string {
    return this.mul(x, this.sigmoid(x));
  }
  softmax(x: string, axis = -1): string {
    return this.op('Softmax', [x], { axis });
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm });
  }
  /** Reshape; 0 copies the input dimension, -1 infers one. */
  reshape(x: string, shape: readonly number[] | string): string {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.constInt64(shape, [shape.length], 'shape')]);
  }
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.constInt64(axes, [axes.length], 'axes')]);
  }
  concat(xs: readonly string[], axis: number): string {
    return this.op('Concat', xs, { axis });
  }
  /** Slice along `axes`; use `Number.MAX_SAFE_INTEGER` as "to the end". Bounds may be int64 value names. */
  slice(x: string, starts: readonly number[] | string, ends: readonly number[] | string, axes: readonly number[]): string {
    const c = (v: readonly number[] | string) => (typeof v === 'string' ? v : this.constInt64(v, [v.length], 'bound'));
    return this.op('Slice', [x, c(starts), c(ends), this.constInt64(axes, [axes.length], 'axes')]);
  }
  gather(data: string, indices: string, axis = 0): string {
    return this.op('Gather', [data, indices], { axis });
  }
  shape(x: string): string {
    return this.op('Shape', [x]);
  }
  /** ReduceMean with the axes attribute (opset 17 form). */
  reduceMean(x: string, axes: readonly number[], keepdims = 1): string {
    return this.op('ReduceMean', [x], { axes, keepdims });
  }

  /** The ModelProto. */
  toModel(): onnxProto.onnx.ModelProto {
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer: this.inits,
      input: this.inputs,
      output: this.outputs,
    });
    return onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: this.opset }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      producerName: 'perceptgraph-tiny',
      producerVersion: '1',
      graph,
    });
  }

  /** The serialised model file. */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.toModel()).finish();
  }

  private floatType(): DType {
    return this.precision === 'float16' ? 'float16' : 'float32';
  }
}
