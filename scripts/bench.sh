#!/usr/bin/env bash
# Runs one of the benchmarks (main classes in streaming-job/src/test/java/org/seqrec/bench):
#   scripts/bench.sh state [N] [users] [eventsPerUser]       sequence-state representations on RocksDB (~5 min)
#   scripts/bench.sh models [maxSecondsPerCall] [modelsDir]  model cost per architecture through ONNX Runtime (~6 min)
#   scripts/bench.sh throughput [copies] [N]                 the feature half end to end vs raw Kafka consume (~2 min)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  state) main=SequenceStateBenchmark ;;
  models) main=ModelCostBenchmark ;;
  throughput) main=StateThroughputBenchmark ;;
  *) echo "usage: scripts/bench.sh state|models|throughput [arguments]" >&2; exit 2 ;;
esac
shift
CLASSPATH="$PWD/streaming-job/target/test-classes:$(scripts/classpath.sh)"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS "org.seqrec.bench.$main" "$@"
