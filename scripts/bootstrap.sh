#!/usr/bin/env bash
# Builds the job's sequence state from historical interaction files and writes it as a savepoint, on a local
# Flink MiniCluster; on a Flink cluster run the same entry point from the job jar instead:
#   flink run -c org.seqrec.job.bootstrap.StateBootstrap <job jar> --bootstrap.input ... --bootstrap.savepoint ...
# Arguments go to org.seqrec.job.bootstrap.StateBootstrap (README, "Bootstrap a new deployment"), e.g.
#   scripts/bootstrap.sh --bootstrap.input data/ml-latest-small/ratings.csv,data/ml-latest-small/tags.csv \
#     --bootstrap.savepoint run/bootstrap-savepoint --sequence.max-length 256
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[seqrec] Building (first run downloads dependencies; a few minutes) ..."
exec scripts/run-java.sh demo org.seqrec.job.bootstrap.StateBootstrap "$@"
