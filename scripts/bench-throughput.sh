#!/usr/bin/env bash
# The feature half end to end against the raw Kafka consume rate: scripts/bench-throughput.sh [copies] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
mvn -q -B -pl streaming-job dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CLASSPATH="$PWD/streaming-job/target/test-classes:$PWD/streaming-job/target/classes:$(cat streaming-job/target/bench.classpath)"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS org.seqrec.bench.StateThroughputBenchmark "$@"
