#!/usr/bin/env bash
# Runs the whole system locally: a real Kafka broker, the job on a Flink MiniCluster (RocksDB state,
# web UI on :8081), a replay of MovieLens ml-latest-small, and a live view of the outputs.
# Extra arguments go to org.seqrec.local.LocalRunner (demo module; see README), e.g. --max-rate 10000.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[seqrec] Building (first run downloads dependencies; a few minutes) ..."
exec scripts/run-java.sh demo org.seqrec.local.LocalRunner "$@"
