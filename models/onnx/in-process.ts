/**
 * A session run on the calling thread, for benchmarks only: it is the "raw session.run" baseline the pool is
 * measured against. Servers must use the pool: a run here blocks the event loop for its whole duration.
 */
import ort from 'onnxruntime-node';
import { prepareFeeds } from './feeds.js';
import type { WorkerSessionOptions } from './inference-worker.js';
import type { ExecutionProvider } from './providers.js';
import type { HostTensor, TensorMeta } from './tensor-types.js';

/** A model with feeds already turned into onnxruntime tensors. */
export interface RawRunner {
  /** Model inputs as `session.inputMetadata` reports them. */
  readonly inputs: readonly TensorMeta[];
  /** One `session.run` on the prepared tensors; resolves to the output element counts by name. */
  run(): Promise<Record<string, number>>;
  release(): Promise<void>;
}

/** Loads `file` in this thread and prepares `feeds` once (cast as the pool would). */
export async function createRawRunner(
  file: string,
  feeds: Record<string, HostTensor>,
  options: { provider?: ExecutionProvider; sessionOptions?: WorkerSessionOptions } = {},
): Promise<RawRunner> {
  const session = await ort.InferenceSession.create(file, {
    ...options.sessionOptions,
    executionProviders: [options.provider ?? 'cpu'],
  });
  const inputs = session.inputMetadata.map((m) => ({
    name: m.name, isTensor: m.isTensor, type: m.isTensor ? m.type : undefined, shape: m.isTensor ? [...m.shape] : [],
  })) as TensorMeta[];
  const prepared = prepareFeeds(file, inputs, feeds).feeds;
  const tensors = Object.fromEntries(
    Object.entries(prepared).map(([k, t]) => [k, new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims)]),
  );
  return {
    inputs,
    async run() {
      const out = await session.run(tensors);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.size]));
    },
    release: () => session.release(),
  };
}
