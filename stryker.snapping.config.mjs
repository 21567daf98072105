// server/network/snapping.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.snapping.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('snapping');
