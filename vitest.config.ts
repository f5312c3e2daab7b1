import { defineConfig } from 'vitest/config';

/**
 * Tests that assert latencies (the event loop stays responsive while a model runs) or drive a real browser run
 * after everything else, one file at a time: on a 2-core machine a parallel test file would steal the core they
 * measure.
 */
const exclusive = ['test/models/onnx/responsiveness.test.ts', 'test/workflows/txt2img.test.ts', 'test/graph-editor/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: exclusive } },
      { extends: true, test: { name: 'exclusive', include: exclusive, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
