#!/usr/bin/env bash
# What the figures' statuses cost (issue 19): the widgets of
# tests/layouts/good/status-cases.json (KPIs, lines, bars, a table over
# SDMX and JSON sources with estimated, provisional, forecast, missing
# and break points) painted with their statuses, and the same layout with
# every status pointer sent to a member that does not exist, so the same
# data paints as final: instructions per repaint under callgrind
# (deterministic), the ratio per widget and in all.
#   bench/status.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/bench/bench_charts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$PWD/tests/layouts/good/data" "$work/data"
cp tests/layouts/good/status-cases.json "$work/with.json"
python3 - tests/layouts/good/status-cases.json "$work/without.json" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("//"))
layout = json.loads(text)
def strip(o):
    if isinstance(o, dict):
        if "source" in o and "pointer" in o:
            o["status"] = "/-no-status"   # finds nothing: every value final
        for k, v in o.items():
            if k == "status" and isinstance(v, str) and v.startswith("/"):
                o[k] = "/-no-status"      # series' and columns' pointers
            else:
                strip(v)
    elif isinstance(o, list):
        for v in o:
            strip(v)
strip(layout)
json.dump(layout, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
reps=5
for v in with without; do
  valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/$v.out" "$bin" . "$work/$v.json" $reps \
    >/dev/null 2>&1
  for f in "$work/$v.out".*; do
    name=$(grep -m1 '^desc: Trigger: Client Request: ' "$f" | sed 's/.*Request: //')
    total=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
    echo "$name $((total / reps))"
  done | sort > "$work/$v.txt"
done
echo "== statuses: instructions per repaint, with / without (callgrind)"
join "$work/with.txt" "$work/without.txt" | awk '
  { printf "%-24s %12d %12d  %.3f\n", $1, $2, $3, $2 / $3; a += $2; b += $3 }
  END { printf "%-24s %12d %12d  %.3f\n", "all", a, b, a / b }'
