#!/usr/bin/env bash
# Runs the benchmarks (main classes in streaming-job/src/test/java/org/seqrec/bench). Tables go to stdout
# (docs/benchmarks.md quotes them); all but `state` also write a CSV to docs/benchmark-data/.
#   scripts/bench.sh state [N] [users] [eventsPerUser]         sequence-state representations on RocksDB (~5 min)
#   scripts/bench.sh models [maxSecondsPerCall] [modelsDir] [--device cpu|cuda]
#                                                              model cost per architecture through ONNX Runtime (~6 min)
#   scripts/bench.sh throughput [copies] [N] [parallelisms]    the feature half end to end vs raw Kafka consume,
#                                                              parallelisms 1,2,1,2 by default (~4 min)
#   scripts/bench.sh users [maxUsers] [maxUsersFull] [N]       sequence state size, checkpoints and restore, 10 k to
#                                                              10 M users (~7 min up to 1 M on a shared machine;
#                                                              10 M needs ~45 GB of disk and about an hour)
#   scripts/bench.sh scoring [arguments]                       scoring end to end (ScoringBenchmark; --device cuda on a GPU)
#   scripts/bench.sh gpu [maxSecondsPerCall] [modelsDir]       `models` with --device cuda: needs an NVIDIA GPU and the
#                                                              CUDA 12 libraries (docs/benchmarks.md, "GPU")
#   scripts/bench.sh plots                                     renders docs/img/*.png from docs/benchmark-data/*.csv
#   scripts/bench.sh soak [--minutes 30] [--rate 2000] [--ttl 3min]
#                                                              the reliability soak (Soak): fixed load, state, heap, RSS
#                                                              and checkpoints every 30 s (not part of `all`)
#   scripts/bench.sh feature-size [N]                          bytes of the feature record per event (seconds)
#   scripts/bench.sh bootstrap [syntheticUsers] [parallelism] [N]
#                                                              state bootstrap rate (ml-latest-small, 20,000 synthetic
#                                                              MovieLens-shaped users) vs the streaming job (~3 min)
#   scripts/bench.sh all                                       state, models, throughput, users (up to 1 M) and scoring
#                                                              with their defaults, then plots, printing each one's
#                                                              elapsed time
set -euo pipefail
cd "$(dirname "$0")/.."

main_class() {
  case "$1" in
    state) echo SequenceStateBenchmark ;;
    models | gpu) echo ModelCostBenchmark ;;
    throughput) echo StateThroughputBenchmark ;;
    users) echo UserScaleBenchmark ;;
    scoring) echo ScoringBenchmark ;;
    soak) echo Soak ;;
    feature-size) echo FeatureRecordSize ;;
    bootstrap) echo BootstrapBenchmark ;;
  esac
}

plots() {
  /usr/bin/python3 scripts/plot_benchmarks.py
}

java_setup() {
  CLASSPATH="$PWD/streaming-job/target/test-classes:$(scripts/classpath.sh)"
  export CLASSPATH
  mkdir -p run
  source scripts/java-opts.sh
}

command="${1:-}"
case "$command" in
  state | models | throughput | users | scoring | soak | feature-size | bootstrap)
    shift
    java_setup
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS "org.seqrec.bench.$(main_class "$command")" "$@" ;;
  gpu)
    shift
    java_setup
    # shellcheck disable=SC2086
    exec java $JAVA_OPTS org.seqrec.bench.ModelCostBenchmark "${1:-5}" "${2:-model-export/models}" --device cuda ;;
  plots)
    plots ;;
  all)
    java_setup
    failed=()
    for benchmark in state models throughput users scoring; do
      start=$SECONDS
      echo "[bench] $benchmark ($(main_class "$benchmark")) started $(date -u +%FT%TZ)"
      # Users up to 1 M: 10 M needs ~45 GB of disk and about an hour on its own.
      arguments=()
      [ "$benchmark" = users ] && arguments=(1000000)
      # shellcheck disable=SC2086
      java $JAVA_OPTS "org.seqrec.bench.$(main_class "$benchmark")" "${arguments[@]}" || failed+=("$benchmark")
      echo "[bench] $benchmark: $((SECONDS - start)) s"
    done
    start=$SECONDS
    plots || failed+=(plots)
    echo "[bench] plots: $((SECONDS - start)) s"
    if [ ${#failed[@]} -gt 0 ]; then
      echo "[bench] failed: ${failed[*]}" >&2
      exit 1
    fi ;;
  *)
    echo "usage: scripts/bench.sh state|models|throughput|users|scoring|soak|feature-size|bootstrap|gpu|plots|all [arguments] (see the top of this file)" >&2
    exit 2 ;;
esac
