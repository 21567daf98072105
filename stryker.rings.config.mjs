// server/network/rings.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.rings.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('rings');
