#!/usr/bin/env bash
# Builds the modules one program needs (tests skipped) and prints the classpath it runs with: the module's
# classes plus every dependency, the other modules' jars from their target/ folders included.
#   scripts/classpath.sh demo|local-runtime|benchmarks
# Used by run-java.sh (demo.sh, bootstrap.sh and replay-dead-letters.sh run the demo module, which carries the
# job and a local Flink; print-topic.sh the local runtime) and bench.sh; the classpath goes into CLASSPATH, never onto the command line
# (ONNX Runtime crashes JVMs whose command line exceeds ~4 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
module="${1:?usage: scripts/classpath.sh demo|local-runtime|benchmarks}"
mvn -q -B -DskipTests -pl "$module" -am package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/run.classpath >&2
echo "$PWD/$module/target/classes:$(cat "$module/target/run.classpath")"
