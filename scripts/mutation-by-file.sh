#!/usr/bin/env bash
# Mutation testing of the walking core one file at a time (each file its own incremental record and report
# under test-artifacts/mutation/), for machines where the whole run takes too long: bash scripts/mutation-by-file.sh [names...]
set -uo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(contour snapping servicePoints profiles travelTimes rings walkingEngine walkingGraph)
mkdir -p test-artifacts/mutation .cache/mutation
for f in "${files[@]}"; do
  npx stryker run stryker.config.mjs --mutate "server/network/$f.ts" \
    --incrementalFile ".cache/mutation/incremental-$f.json" \
    --reporters clear-text,progress,json > "test-artifacts/mutation/$f.log" 2>&1
  cp test-artifacts/mutation/mutation.json "test-artifacts/mutation/$f.json" 2>/dev/null
  grep -E "Final mutation score|All files|$f.ts" "test-artifacts/mutation/$f.log" | head -3
done
