/** Public surface of the engine library. */
export * from './engine.js';
export * from './errors.js';
export * from './execution-blocker.js';
export * from './expansion.js';
export type { DynamicPromptNode, DynamicPromptView } from './dynamic-prompt.js';
export * from './execution-events.js';
export * from './graph.js';
export * from './inputs.js';
export * from './node-definition.js';
export * from './object-info.js';
export * from './registry.js';
export * from './type-compat.js';
export * from './validate.js';
export type { ExecuteRequest } from './execute.js';
export * from './socket-type.js';
export * from './wire.js';
