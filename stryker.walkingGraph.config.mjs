// server/network/walkingGraph.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.walkingGraph.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('walkingGraph');
