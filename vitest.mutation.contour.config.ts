// Mutation testing of contour.ts alone (stryker.contour.config.mjs): its pure tests on hand-made and random
// fields (the shared fixtures module still wants the walking-core global setup).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/network/contour.test.ts'], globalSetup: ['tests/mutation/globalSetup.ts'], testTimeout: 60_000, hookTimeout: 180_000 },
});
