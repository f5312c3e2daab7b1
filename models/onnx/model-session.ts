/**
 * A loaded model as callers see it: its signature and a `run()` that casts plain host tensors to what the model
 * declares. The handle outlives the underlying onnxruntime session: if the pool evicted it, the next `run()`
 * loads it again on the same provider.
 */
import { prepareFeeds } from './feeds.js';
import type { PreparedFeeds } from './feeds.js';
import type { ExecutionProvider } from './providers.js';
import type { HostTensor, OutputTensor, TensorMeta } from './tensor-types.js';

/** Options of one run. */
export interface RunOptions {
  /** Checked before the run starts; aborting during a run rejects at once (the native run finishes unseen). */
  readonly signal?: AbortSignal;
  /**
   * Move the caller's input buffers to the worker instead of copying them. They are detached (length 0)
   * afterwards, so only pass buffers you no longer need. Casts made by the runtime are always moved.
   */
  readonly transferInputs?: boolean;
}

/** What a ModelSession needs from its pool. */
export interface SessionRunner {
  runPrepared(session: ModelSession, prepared: PreparedFeeds, options: RunOptions): Promise<Record<string, OutputTensor>>;
}

/** A model bound to an execution provider. Obtain one from `SessionPool.get()`. */
export class ModelSession {
  /**
   * @param file absolute path of the `.onnx` file
   * @param provider the execution provider the session was created on (after any fallback)
   * @param inputs the model's inputs, from `session.inputMetadata`
   * @param outputs the model's outputs, from `session.outputMetadata`
   */
  constructor(
    private readonly runner: SessionRunner,
    readonly file: string,
    readonly provider: ExecutionProvider,
    readonly inputs: readonly TensorMeta[],
    readonly outputs: readonly TensorMeta[],
  ) {}

  /** The declared input with this name, or undefined. */
  input(name: string): TensorMeta | undefined {
    return this.inputs.find((m) => m.name === name);
  }

  /**
   * Runs the model. Every input must be given; each is cast to the declared dtype (int32/int64/float16/float32…,
   * float→int by truncation) and rank (a single value moves between rank 0 and [1]).
   * @returns every output by name; floating outputs (float16 included) as float32
   * @throws ModelInputError for feeds that cannot be cast, ModelRunError when onnxruntime fails
   */
  async run(feeds: Record<string, HostTensor>, options: RunOptions = {}): Promise<Record<string, OutputTensor>> {
    options.signal?.throwIfAborted();
    const prepared = prepareFeeds(this.file, this.inputs, feeds);
    return this.runner.runPrepared(this, prepared, options);
  }
}
