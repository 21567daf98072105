// server/network/profiles.ts alone against the pure tests (tests/network/pure): npx stryker run stryker.profiles.config.mjs
import { pureFileConfig } from './stryker.pure.mjs';

export default pureFileConfig('profiles');
