#!/usr/bin/env bash
# Re-publishes chosen dead letters to their source topics, exactly once per selection (docs/operations.md,
# "Read the dead-letter topic and replay after a fix"):
#   scripts/replay-dead-letters.sh --bootstrap HOST:PORT [--kind NOT_AVRO,...] [--source-topic T]
#       [--source-offsets FROM-TO] [--dry-run] [--topic dead-letters] [--group G] [--config-file F]
set -euo pipefail
cd "$(dirname "$0")/.."
CLASSPATH="$(scripts/classpath.sh demo)"
export CLASSPATH
mkdir -p run
source scripts/java-opts.sh
# shellcheck disable=SC2086
exec java $JAVA_OPTS org.seqrec.tools.DeadLetterReplay "$@"
