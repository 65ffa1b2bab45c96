#!/usr/bin/env bash
# Scene-change cost on the demo wall at full size: a layout made here with
# two scenes, the demo's overview (21 widgets) and the chart gallery (12),
# both on their file data.  Times are this machine's (ratios only);
# instruction counts under callgrind are deterministic.
#   bench/switch.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$PWD" "$work/switch.json" <<'PY'
import json, re, sys
src, out = sys.argv[1], sys.argv[2]
def load(p):
    t = open(f"{src}/{p}").read()
    return json.loads(re.sub(r"^\s*//.*$", "", t, flags=re.M))
demo, gal = load("layouts/demo.json"), load("layouts/gallery.json")
srcs = {}
for d, base in ((demo, "layouts"), (gal, "layouts")):
    for k, v in d.get("sources", {}).items():
        v = dict(v)
        if v["url"].startswith("file:"):
            v["url"] = f"file:{src}/{base}/" + v["url"][5:]
        srcs[k] = v
demo["sources"] = srcs
demo["scenes"] = [demo["scenes"][0], gal["scenes"][0]]
json.dump(demo, open(out, "w"), ensure_ascii=False)
PY
"$build/opswall" check "$work/switch.json" | tail -1
echo "== times (this machine, same run; compare ratios only)"
LP_NUM_THREADS=0 "$build/bench/bench_switch" . "$work/switch.json" 1.0 4 2>/dev/null
echo "== instructions per frame (callgrind; deterministic; longest of each kind)"
LP_NUM_THREADS=0 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/cg.out" "$build/bench/bench_switch" . \
  "$work/switch.json" 1.0 1 >/dev/null 2>&1
for kind in cut stage fade; do
  best=0
  for f in "$work"/cg.out.*; do
    grep -q "Client Request: $kind\$" "$f" || continue
    n=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
    [ -n "$n" ] || n=$(grep -m1 '^summary:' "$f" | awk '{print $2}')
    [ "$n" -gt "$best" ] && best=$n
  done
  printf '%-6s %14d instructions in its longest frame\n' "$kind" "$best"
done
