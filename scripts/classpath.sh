#!/usr/bin/env bash
# Builds the project (tests skipped) and prints the classpath the local tools run with: the job's
# classes plus every dependency, Flink, the Kafka broker and ONNX Runtime included. Used by demo.sh and
# print-topic.sh; the classpath goes into CLASSPATH, never onto the command line (ONNX Runtime crashes
# JVMs whose command line exceeds ~4 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install >&2
mvn -q -B -pl streaming-job dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/local.classpath >&2
echo "$PWD/streaming-job/target/classes:$(cat streaming-job/target/local.classpath)"
