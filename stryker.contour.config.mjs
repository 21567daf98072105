// The marching-squares file alone, against its own pure tests (no graph, no database): a few minutes on one
// core, where the whole walking core takes hours. npx stryker run stryker.contour.config.mjs
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['server/network/contour.ts'],
  vitest: { configFile: 'vitest.mutation.contour.config.ts', related: false },
  concurrency: 1,
  incrementalFile: '.cache/mutation/incremental-contour-only.json',
  jsonReporter: { fileName: 'test-artifacts/mutation/contour-only.json' },
  reporters: ['clear-text', 'progress', 'json'],
};
