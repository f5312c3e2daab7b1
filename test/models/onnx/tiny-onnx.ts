/**
 * Test-only ONNX builders (onnx-proto): an Add model, a cast probe with configurable id/timestep signatures, an
 * fp16 doubler, a padded model of a chosen file size, and a slow MatMul chain.
 */
import { writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;

/** Element types by ORT name. */
export const ELEM = { float32: DT.FLOAT, float16: DT.FLOAT16, int32: DT.INT32, int64: DT.INT64 } as const;
export type ElemName = keyof typeof ELEM;

type Dim = number | string;

function valueInfo(name: string, elem: ElemName, dims: readonly Dim[]) {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ELEM[elem], shape: { dim } } } });
}

function node(opType: string, input: string[], output: string[], attrs: Record<string, number> = {}) {
  const attribute = Object.entries(attrs).map(([name, i]) =>
    onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT }));
  return onnx.NodeProto.create({ opType, input, output, attribute });
}

interface GraphSpec {
  nodes: ReturnType<typeof node>[];
  inputs: ReturnType<typeof valueInfo>[];
  outputs: ReturnType<typeof valueInfo>[];
  initializers?: InstanceType<typeof onnx.TensorProto>[];
}

function save(file: string, g: GraphSpec): string {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node: g.nodes, input: g.inputs, output: g.outputs, initializer: g.initializers ?? [] },
  });
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

/** c = a + b, float32 [n]. `padFloats` adds an unused-looking constant so the file has a chosen size. */
export function buildAdd(file: string, padFloats = 0): string {
  const nodes = [node('Add', ['a', 'b'], ['c'])];
  const initializers = [];
  if (padFloats > 0) {
    // Added as a zero-sized slice so it stays in the graph (ORT keeps used initializers) without changing c.
    initializers.push(onnx.TensorProto.create({ name: 'pad', dataType: DT.FLOAT, dims: [padFloats], rawData: new Uint8Array(padFloats * 4) }));
    nodes.push(node('ReduceSum', ['pad'], ['pad_sum'], { keepdims: 0 }), node('Mul', ['pad_sum', 'c'], ['unused']));
  }
  return save(file, { nodes, inputs: [valueInfo('a', 'float32', ['n']), valueInfo('b', 'float32', ['n'])], outputs: [valueInfo('c', 'float32', ['n'])], initializers });
}

/** Signature of the cast probe: ids and timestep declared like the various SD exports. */
export interface CastProbeSpec {
  ids: 'int32' | 'int64';
  timestep: ElemName;
  timestepShape: Dim[];
}

/** ids_f = float(input_ids) [batch,sequence]; t_f = float(timestep) with the timestep's declared rank. */
export function buildCastProbe(file: string, spec: CastProbeSpec): string {
  return save(file, {
    nodes: [node('Cast', ['input_ids'], ['ids_f'], { to: DT.FLOAT }), node('Cast', ['timestep'], ['t_f'], { to: DT.FLOAT })],
    inputs: [valueInfo('input_ids', spec.ids, ['batch', 'sequence']), valueInfo('timestep', spec.timestep, spec.timestepShape)],
    outputs: [valueInfo('ids_f', 'float32', ['batch', 'sequence']), valueInfo('t_f', 'float32', spec.timestepShape)],
  });
}

/** y = x + x in float16, x fixed to [1, 3, 2, 2] (for dims checks) or symbolic [n]. */
export function buildFp16Double(file: string, dims: Dim[] = ['n']): string {
  return save(file, { nodes: [node('Add', ['x', 'x'], ['y'])], inputs: [valueInfo('x', 'float16', dims)], outputs: [valueInfo('y', 'float16', dims)] });
}

/** y = x·x·x… (`steps` MatMuls of x [size,size]): feed x = 1/size everywhere and y stays 1/size. */
export function buildSlowMatMul(file: string, size: number, steps: number): string {
  const nodes = [];
  let prev = 'x';
  for (let i = 0; i < steps; i++) {
    const out = i === steps - 1 ? 'y' : `h${i}`;
    nodes.push(node('MatMul', [prev, 'x'], [out]));
    prev = out;
  }
  return save(file, { nodes, inputs: [valueInfo('x', 'float32', [size, size])], outputs: [valueInfo('y', 'float32', [size, size])] });
}
