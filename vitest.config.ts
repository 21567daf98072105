import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // Load shedding on event-loop delay is for production; a busy 2-core test machine would trip it.
    // Tests of shedding itself set their own value.
    // Reach workers (REACH_WORKERS) only where a test asks for them (tests/network/reachPool.test.ts): in every
    // other app and service process they would only add start time.
    env: { MAX_EVENT_LOOP_DELAY_MS: '0', REACH_WORKERS: '0' },
  },
});
