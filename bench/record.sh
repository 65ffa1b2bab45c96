#!/usr/bin/env bash
# What the briefing record costs and how fast it gives a frame back
# (issue 17): bench/record.py (its header says what is measured).
#
#   bench/record.sh [BUILD_DIR]
#
# Environment: REC_WARMUP [15] and REC_SECONDS [120] per recording run;
# REC_PEER [../shared/bench/peer-web] (its feedserver.py feeds the
# reference scene).  Needs ports 127.0.0.1:8642, 8653 and 8473 free.
# Results: out/record/results.jsonl and a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
for b in opswall opswall-feedsim bench/bench_record_week; do
  if [ ! -x "$build/$b" ]; then
    echo "record.sh: no $build/$b (build first)" >&2
    exit 1
  fi
done
exec python3 bench/record.py "$build"
