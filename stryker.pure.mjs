// One walking-core file against the pure tests on hand-built networks (vitest.mutation.pure.config.ts):
// the shape of every stryker.<file>.config.mjs. One runner (two shared cores), coverage per test, an
// incremental record and a JSON report per file. scripts/mutation-by-file.sh runs them in turn.
import base from './stryker.config.mjs';

/** @param {string} name a file of server/network/ without .ts */
export function pureFileConfig(name) {
  return {
    ...base,
    mutate: [`server/network/${name}.ts`],
    vitest: { configFile: 'vitest.mutation.pure.config.ts', related: false },
    coverageAnalysis: 'perTest',
    concurrency: 1,
    // The tests take well under a second: a mutant that loops for ever is given up on after a few.
    timeoutMS: 4000,
    incrementalFile: `.cache/mutation/incremental-${name}-pure.json`,
    tempDirName: `.cache/stryker-tmp-${name}`,
    jsonReporter: { fileName: `test-artifacts/mutation/${name}-pure.json` },
    htmlReporter: { fileName: `test-artifacts/mutation/${name}-pure.html` },
    reporters: ['clear-text', 'progress', 'json', 'html'],
  };
}
