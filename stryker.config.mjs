// Mutation testing of the walking core (npm run test:mutation): StrykerJS mutates the engine's pure files
// and runs the walking-core tests (vitest.mutation.config.ts) against each mutant. Outside CI (tens of
// minutes on two cores); docs/testing.md records the score and explains each surviving mutant.
// One file at a time: npm run test:mutation -- --mutate server/network/contour.ts
import path from 'node:path';

// The copy Stryker runs in leaves .cache out; the test template and the served ways stay in this one.
process.env.HEXI_MUTATION_CACHE = path.resolve('.cache');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'server/network/walkingGraph.ts', 'server/network/travelTimes.ts', 'server/network/snapping.ts',
    'server/network/servicePoints.ts', 'server/network/rings.ts', 'server/network/contour.ts',
    'server/network/walkingEngine.ts', 'server/network/profiles.ts',
  ],
  coverageAnalysis: 'perTest',
  // The tests build the graph while their files load, so the graph's mutants are "static" to Stryker:
  // they are run (against every test) rather than ignored, which is slower but counts them.
  ignoreStatic: false,
  // vitest does not type-check, so the sandbox's files need no @ts-nocheck (which would also change the
  // test template's content hash and rebuild it).
  disableTypeChecks: false,
  concurrency: 2,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: '.cache/mutation/stryker-incremental.json',
  tempDirName: '.cache/stryker-tmp',
  ignorePatterns: ['.cache', '.data', 'web/dist', 'test-artifacts', 'docs'],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'test-artifacts/mutation/mutation.json' },
  htmlReporter: { fileName: 'test-artifacts/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 85, break: null },
};
