/** The model runtime's public surface (the only module that imports onnxruntime-node is this folder). */
export { SessionPool, type PoolStats, type SessionInfo, type SessionPoolOptions } from './session-pool.js';
export { ModelSession, type RunOptions } from './model-session.js';
export { DEVICES, parseDevice, providerChain, type Device, type ExecutionProvider } from './providers.js';
export { ModelInputError, ModelLoadError, ModelRunError } from './errors.js';
export { floatOutput, formatShape, type HostTensor, type IntTensor, type OutputTensor, type TensorMeta } from './tensor-types.js';

