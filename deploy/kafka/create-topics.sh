#!/bin/sh
# Creates seqrec's topics on the compose broker (run once by the `topics` service; idempotent).
# Inputs keyed by user: interactions, rank-requests; broadcast input: candidate-pool; outputs:
# sequence-features, recommendations, dead-letters.
#
# Retention: time-based retention is off and the topics are bounded by size instead. Replayed or
# backfilled history keeps its original event times as record timestamps (MovieLens: 1996-2018) and the
# job's outputs inherit them, so the broker's default 7-day time retention would delete them within
# seconds (docs/architecture.md, "The local Kafka broker").
set -eu

BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
PARTITIONS="${PARTITIONS:-4}"
RETENTION_BYTES="${RETENTION_BYTES:-1073741824}"   # per partition
KAFKA_TOPICS=/opt/kafka/bin/kafka-topics.sh

create() { # name partitions
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 \
    --config retention.ms=-1 --config retention.bytes="$RETENTION_BYTES"
}

for topic in interactions rank-requests sequence-features recommendations dead-letters; do
  create "$topic" "$PARTITIONS"
done
# Every subtask reads the whole pool (broadcast), so one partition keeps updates in order.
create candidate-pool 1

"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --describe \
  --topic 'interactions|rank-requests|candidate-pool|sequence-features|recommendations|dead-letters' \
  | grep -E '^Topic:' || true
echo "topics ready on $BOOTSTRAP"
