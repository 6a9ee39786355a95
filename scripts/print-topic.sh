#!/usr/bin/env bash
# Prints a topic as JSON lines: scripts/print-topic.sh --bootstrap HOST:PORT --topic NAME [--max N] [--follow]
#   [--partitions 0,2] [--from-offset N] [--config-file client.properties]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/run-java.sh local-runtime org.seqrec.local.TopicPrinter "$@"
