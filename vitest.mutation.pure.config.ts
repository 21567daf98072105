// Mutation testing of the walking core one file at a time (stryker.<file>.config.mjs, npm run test:mutation):
// the pure engine tests on hand-built networks (tests/network/pure), no database and no global setup, so a
// mutant costs a fraction of a second.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/network/pure/**/*.test.ts'], testTimeout: 60_000 },
});
