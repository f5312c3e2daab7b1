/**
 * IP-Adapter / DP-Adapter for SD1.5 on ONNX: the adapter file's reference layout and loader, the image projection
 * as an onnxruntime graph, the DP-Adapter patch for the SD samplers, and quality-gated generation.
 */
export {
  ipLayerTensorKey, referenceShapes, SD15_IP_ADAPTER, SD15_IP_LAYER_CHANNELS, TINY_METADATA_KEY, validateIpAdapterHeader,
  type IpAdapterLayout, type IpAdapterLayoutKind, type IpAdapterValidation,
} from './layout.js';
export { IpAdapterFileError, loadIpAdapterWeights, type ImageProjectionWeights, type IpAdapterWeights } from './weights.js';
export { buildProjectionModel, PROJECTION_GRAPH_VERSION, PROJECTION_INPUT, PROJECTION_OUTPUT } from './projection-graph.js';
export { ensureProjectionModel, projectImageEmbeds, type ProjectOptions } from './projection.js';
export {
  applyDpAdapter, DP_ADAPTER_MODES, meanEmbedding, MODE_EMBED_PART, projectDpTokens, type DpAdapterMode, type DpAdapterOptions,
} from './dp-adapter.js';
export {
  bestIndex, runGatedGeneration, type GatedGenerationOptions, type GatedGenerationResult, type GatedTry,
} from './gated-generation.js';
export { GATE_SCORERS, generateImages, scoreImages, type GateScorer, type GenerateImagesOptions, type ScoreImagesOptions } from './gated-sd.js';
