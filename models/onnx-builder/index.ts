/** ONNX graph builder: typed graph assembly, composite layers, seeded weights and float16 conversion. */
export * from './float16.js';
export * from './graph-builder.js';
export * from './layers.js';
export * from './prng.js';
