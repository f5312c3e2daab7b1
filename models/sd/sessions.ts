/**
 * How the SD wrappers reach models: any session source with `get(file)` (the runtime's `SessionPool`, which runs
 * inference in worker threads and casts feeds to each model's declared dtypes and ranks).
 */
import type { ModelSession } from '../onnx/model-session.js';
import type { TensorMeta } from '../onnx/tensor-types.js';

/** Where sessions come from: `ctx.services.models.pool` in nodes. */
export interface SessionSource {
  get(file: string): Promise<ModelSession>;
}

/**
 * The fixed size of axis `axis` of a declared input, or undefined when the axis is dynamic (a symbolic name or a
 * negative/unknown size) or the input is absent.
 */
export function fixedDim(meta: TensorMeta | undefined, axis: number): number | undefined {
  const d = meta?.shape[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** The input `name` of a session, or an error naming the model file and its actual inputs. */
export function requireInput(session: ModelSession, name: string, what: string): TensorMeta {
  const meta = session.input(name);
  if (!meta) {
    const has = session.inputs.map((m) => `${m.name} (${m.type} [${m.shape.join(',')}])`).join(', ');
    throw new Error(`${what} ${session.file} has no input "${name}"; its inputs are: ${has}`);
  }
  return meta;
}
