#!/usr/bin/env bash
# Long run of the input fuzzing properties (IngestFuzzTest): every input topic's decoder and validator
# against arbitrary bytes, arbitrary schema datums and mutated datums.
#   scripts/fuzz.sh [CASES per property, default 200000]
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-200000}"
echo "[fuzz] IngestFuzzTest with $CASES cases per property"
mvn -B -q -pl streaming-job -am test -Dtest=IngestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.cases="$CASES"
echo "[fuzz] passed: $CASES cases per property"
