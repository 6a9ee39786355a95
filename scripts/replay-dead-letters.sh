#!/usr/bin/env bash
# Re-publishes chosen dead letters to their source topics, exactly once per selection (docs/operations.md,
# "Read the dead-letter topic and replay after a fix"):
#   scripts/replay-dead-letters.sh --bootstrap HOST:PORT [--kind NOT_AVRO,...] [--source-topic T]
#       [--source-offsets FROM-TO] [--dry-run] [--topic dead-letters] [--group G] [--config-file F]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/run-java.sh demo org.seqrec.tools.DeadLetterReplay "$@"
