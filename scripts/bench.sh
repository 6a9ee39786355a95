#!/usr/bin/env bash
# Runs the benchmarks (main classes in benchmarks/src/main/java/org/seqrec/bench). Tables go to stdout
# (docs/benchmarks.md quotes them); all but `state` also write a CSV to docs/benchmark-data/.
# Every benchmark takes --key value (or --key=value) options; a wrong key prints the known ones.
#   scripts/bench.sh state [--n 256] [--users 200] [--events-per-user 1000]
#                                                              sequence-state representations on RocksDB (~5 min)
#   scripts/bench.sh models [--max-seconds-per-call 5] [--models model-export/models] [--device cpu|cuda]
#                                                              model cost per architecture through ONNX Runtime (~6 min)
#   scripts/bench.sh throughput [--copies 3] [--n 256] [--parallelisms 1,2,1,2]
#                                                              the feature half end to end vs raw Kafka consume,
#                                                              parallelisms 1,2,1,2 by default (~4 min)
#   scripts/bench.sh users [--max-users 10000000] [--max-users-full 100000] [--n 256]
#                                                              sequence state size, checkpoints and restore, 10 k to
#                                                              10 M users (~7 min up to 1 M on a shared machine;
#                                                              10 M needs ~45 GB of disk and about an hour)
#   scripts/bench.sh scoring [--events 12000] [--seconds 30] [--device cpu|cuda]
#                                                              scoring end to end (ScoringBenchmark)
#   scripts/bench.sh gpu [--max-seconds-per-call 5] [--models DIR]
#                                                              `models` with --device cuda: needs an NVIDIA GPU and the
#                                                              CUDA 12 libraries (docs/benchmarks.md, "GPU")
#   scripts/bench.sh plots                                     renders docs/img/*.png from docs/benchmark-data/*.csv
#   scripts/bench.sh soak [--minutes 30] [--rate 2000] [--ttl 3min]
#                                                              the reliability soak (Soak): fixed load, state, heap, RSS
#                                                              and checkpoints every 30 s (not part of `all`)
#   scripts/bench.sh feature-size [--n 256]                    bytes of the feature record per event (seconds)
#   scripts/bench.sh bootstrap [--users 20000] [--parallelism 2] [--n 256]
#                                                              state bootstrap rate (ml-latest-small, synthetic
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
  CLASSPATH="$(scripts/classpath.sh benchmarks)"
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
    exec java $JAVA_OPTS org.seqrec.bench.ModelCostBenchmark --device cuda "$@" ;;
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
      [ "$benchmark" = users ] && arguments=(--max-users 1000000)
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
