// server/network/servicePoints.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.servicePoints.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('servicePoints');
