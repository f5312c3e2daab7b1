/** Tiny stand-in model builders (real ONNX, safetensors and tokenizer files); see setup.ts for the default set. */
export * from '../clip/graphs.js';
export { type TextTowerOutputs, textTower, visionTower } from '../clip/tower-graphs.js';
export * from './clip-folder.js';
export * from './clip-hf-folder.js';
export * from './declip.js';
export * from './ip-adapter.js';
export * from './sd-text-encoder.js';
export * from './sd15-folder.js';
export * from './setup.js';
export * from './unet.js';
export * from './vae.js';
export * from './vocab.js';
export { TINY_VOCAB_WORDS } from './vocab-words.js';
