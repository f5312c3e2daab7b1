import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files in two forks so model-heavy suites don't fight over CPU.
    pool: 'forks',
    maxWorkers: 2,
  },
});
