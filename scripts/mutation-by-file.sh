#!/usr/bin/env bash
# Mutation testing of the walking core (npm run test:mutation), one file at a time: each file of
# server/network/ against its fast pure tests (stryker.<file>.config.mjs: tests/network/pure on hand-built
# networks; contour.ts: its own tests), one runner, each with its own incremental record, log and report
# under test-artifacts/mutation/. Prints the table docs/testing.md records.
#   bash scripts/mutation-by-file.sh [names...]     e.g. bash scripts/mutation-by-file.sh snapping rings
set -uo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(walkingGraph travelTimes snapping rings contour profiles servicePoints walkingEngine)
mkdir -p test-artifacts/mutation .cache/mutation
for f in "${files[@]}"; do
  [ -f "stryker.$f.config.mjs" ] || { echo "no stryker.$f.config.mjs" >&2; exit 2; }
  echo "mutating server/network/$f.ts (log: test-artifacts/mutation/$f.log)"
  npx stryker run "stryker.$f.config.mjs" > "test-artifacts/mutation/$f.log" 2>&1 || echo "  stryker failed on $f: see the log" >&2
done
node scripts/mutation-table.mjs "${files[@]}"
