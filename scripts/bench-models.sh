#!/usr/bin/env bash
# Measures model cost per architecture through ONNX Runtime and prints markdown tables:
# scripts/bench-models.sh [maxSecondsPerCall] [modelsDir]   (about 6 minutes on 2 shared cores)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
mvn -q -B -pl streaming-job dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# CLASSPATH in the environment, not -cp: ONNX Runtime crashes JVMs whose command line exceeds ~4 KB.
CLASSPATH="$PWD/streaming-job/target/test-classes:$PWD/streaming-job/target/classes:$(cat streaming-job/target/bench.classpath)"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS org.seqrec.bench.ModelCostBenchmark "$@"
