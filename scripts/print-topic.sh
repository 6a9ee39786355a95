#!/usr/bin/env bash
# Prints a topic as JSON lines: scripts/print-topic.sh --bootstrap HOST:PORT --topic NAME [--max N] [--follow]
set -euo pipefail
cd "$(dirname "$0")/.."
CLASSPATH="$(scripts/classpath.sh local-runtime)"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS org.seqrec.local.TopicPrinter "$@"
