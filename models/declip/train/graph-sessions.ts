/**
 * Writes the training graphs to content-addressed files and opens them through the session pool, so the training
 * maths runs in the pool's worker threads on its execution provider like every other model.
 */
import type { ModelSession } from '../../onnx/model-session.js';
import type { SessionPool } from '../../onnx/session-pool.js';
import { writeGraphFile } from '../graph-file.js';
import { ADAMW_GRAPH_DEFAULTS, type AdamwGraphConfig } from './adamw.js';
import type { ProjectorShape } from './params.js';
import { buildEmbedGraph, buildRetrievalGraph, buildStepGraph } from './train-graphs.js';

/** Sessions of one training configuration. */
export interface TrainSessions {
  /** Step graph with the fused AdamW update. */
  readonly step: ModelSession;
  readonly embed: ModelSession;
  readonly retrieval: ModelSession;
}

/** Options of {@link openTrainSessions}. */
export interface TrainSessionOptions extends ProjectorShape {
  readonly pool: SessionPool;
  /** Folder for the generated `.onnx` files (e.g. the data dir's cache); created when missing. */
  readonly dir: string;
  readonly temperature: number;
  readonly adamw?: AdamwGraphConfig;
}

/** Cosine margin for retrieval ties; see `RetrievalGraphOptions.tieMargin`. */
export const RETRIEVAL_TIE_MARGIN = 1e-5;

/** Builds (or reuses) the three graphs and opens them in the pool. */
export async function openTrainSessions(o: TrainSessionOptions): Promise<TrainSessions> {
  const shape = { embedDim: o.embedDim, hiddenDim: o.hiddenDim };
  const stepBytes = buildStepGraph({ ...shape, temperature: o.temperature, optimizer: 'adamw', adamw: o.adamw ?? ADAMW_GRAPH_DEFAULTS });
  const retrievalBytes = buildRetrievalGraph({ embedDim: o.embedDim, temperature: o.temperature, tieMargin: RETRIEVAL_TIE_MARGIN });
  const [step, embed, retrieval] = await Promise.all([
    o.pool.get(writeGraphFile(o.dir, 'declip-train-step', stepBytes)),
    o.pool.get(writeGraphFile(o.dir, 'declip-embed', buildEmbedGraph(shape))),
    o.pool.get(writeGraphFile(o.dir, 'declip-retrieval', retrievalBytes)),
  ]);
  return { step, embed, retrieval };
}
