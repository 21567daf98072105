// server/network/walkingEngine.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.walkingEngine.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('walkingEngine');
