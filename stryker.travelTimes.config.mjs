// server/network/travelTimes.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.travelTimes.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('travelTimes');
