/**
 * Runs the adapter's image projection on onnxruntime (through the session pool): the graph from
 * `projection-graph.ts` is written once per adapter file into the cache folder and loaded like any model.
 * DPAdapterApply calls this once per run (cond embeds plus the zero embedding), never per sampling step.
 */
import path from 'node:path';
import { ensureGraphFile } from '../declip/graph-file.js';
import { floatOutput } from '../onnx/tensor-types.js';
import type { SessionSource } from '../sd/sessions.js';
import type { FloatTensor } from '../tensors.js';
import { buildProjectionModel, PROJECTION_GRAPH_VERSION, PROJECTION_INPUT, PROJECTION_OUTPUT } from './projection-graph.js';
import type { IpAdapterWeights } from './weights.js';

/**
 * The projection model file of an adapter under `cacheDir` (`<cache>/ip-adapter/image-proj-<hash>.onnx`), built when absent.
 * The name hashes the adapter's identity (path, size, mtime) and the graph version, so an edited file or a new
 * graph gets a new model.
 */
export function ensureProjectionModel(weights: IpAdapterWeights, cacheDir: string): string {
  return ensureGraphFile({
    dir: path.join(cacheDir, 'ip-adapter'),
    prefix: 'image-proj',
    key: `${PROJECTION_GRAPH_VERSION}\0${weights.key}`,
    build: () => buildProjectionModel(weights),
  });
}

/** Options of {@link projectImageEmbeds}. */
export interface ProjectOptions {
  readonly sessions: SessionSource;
  /** From {@link ensureProjectionModel}. */
  readonly modelFile: string;
  /** Image embeddings [B, d] (d = the adapter's imageEmbedDim, 1024). */
  readonly embeds: FloatTensor;
  readonly signal?: AbortSignal;
}

/** Image tokens of a batch of embeddings: [B, d] → [B, tokens, C] ([B, 4, 768]). */
export async function projectImageEmbeds(o: ProjectOptions): Promise<FloatTensor> {
  const session = await o.sessions.get(o.modelFile);
  const out = await session.run({ [PROJECTION_INPUT]: o.embeds }, { signal: o.signal });
  return floatOutput(out, PROJECTION_OUTPUT, o.modelFile);
}
