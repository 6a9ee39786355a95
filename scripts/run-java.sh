#!/usr/bin/env bash
# Builds one module (scripts/classpath.sh) and runs a main class of it with the project's JVM options:
#   scripts/run-java.sh MODULE MAIN_CLASS [arguments...]
# What demo.sh, bootstrap.sh, print-topic.sh and replay-dead-letters.sh run through.
set -euo pipefail
cd "$(dirname "$0")/.."
module="${1:?usage: scripts/run-java.sh MODULE MAIN_CLASS [arguments...]}"
main_class="${2:?usage: scripts/run-java.sh MODULE MAIN_CLASS [arguments...]}"
shift 2
CLASSPATH="$(scripts/classpath.sh "$module")"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS "$main_class" "$@"
