// The walking-core tests alone, for mutation testing (npm run test:mutation, stryker.config.mjs): pure
// engine tests on the ways the service serves, read once per run (tests/mutation/globalSetup.ts).
import { defineConfig } from 'vitest/config';

export const WALKING_CORE_TESTS = [
  'tests/network/graph.test.ts', 'tests/network/walking.test.ts', 'tests/network/rings.test.ts',
  'tests/network/profiles.test.ts', 'tests/network/snapping.test.ts', 'tests/network/contour.test.ts',
];

export default defineConfig({
  test: {
    include: WALKING_CORE_TESTS,
    globalSetup: ['tests/mutation/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { MAX_EVENT_LOOP_DELAY_MS: '0' },
  },
});
