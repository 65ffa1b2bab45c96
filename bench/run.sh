#!/usr/bin/env bash
# Frame-cost benchmark of the demo wall at full size (3846 x 2166 canvas:
# 2 x 2 displays of 1920 x 1080 plus mullions), offscreen on Mesa.
#   bench/run.sh [BUILD_DIR]
# 1. wall-clock times, 50 frames per scenario (ratios are what count);
# 2. instruction counts under callgrind, 10 frames per scenario, with
#    LP_NUM_THREADS=0 so llvmpipe rasterises on the calling thread and the
#    count is deterministic.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/bench/bench_frame
layout=layouts/demo.json
echo "== times (this machine, same run; compare ratios only)"
LP_NUM_THREADS=0 "$bin" . "$layout" 1.0 50 2>/dev/null
echo "== instructions (callgrind; deterministic)"
out=$(mktemp -d)
LP_NUM_THREADS=0 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$out/cg.out" "$bin" . "$layout" 1.0 10 >/dev/null 2>&1
for f in "$out"/cg.out.*; do
  name=$(grep -m1 '^desc: Trigger: Client Request: ' "$f" | sed 's/.*Request: //')
  total=$(grep -m1 '^summary:' "$f" | awk '{print $2}')
  [ -n "$total" ] || total=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
  printf '%-7s %15s instructions / 10 frames  = %12d per frame\n' "$name" "$total" $((total / 10))
done
rm -rf "$out"
echo "== feeds: 200 sources every 1 s against opswall-feedsim (loopback)"
"$build/bench/bench_feeds" "$build/opswall-feedsim" 20 2>/dev/null
bash bench/switch.sh "$build"
echo "== charts: CPU per repaint, new data / same data (this machine)"
"$build/bench/bench_charts" . layouts/gallery.json 20 2>/dev/null
echo "== charts: instructions per repaint (callgrind; deterministic)"
out=$(mktemp -d)
valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$out/cg.out" "$build/bench/bench_charts" . \
  layouts/gallery.json 5 >/dev/null 2>&1
for f in "$out"/cg.out.*; do
  name=$(grep -m1 '^desc: Trigger: Client Request: ' "$f" | sed 's/.*Request: //')
  total=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
  printf '%-26s %12d instructions per repaint\n' "$name" $((total / 5))
done | sort
rm -rf "$out"
echo "== map: load, first paint and recolour (CPU, this machine)"
"$build/bench/bench_map" . 10 2>/dev/null
echo "== map: instructions (callgrind; deterministic)"
out=$(mktemp -d)
valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$out/cg.out" "$build/bench/bench_map" . 3 \
  >/dev/null 2>&1
for f in "$out"/cg.out.*; do
  name=$(grep -m1 '^desc: Trigger: Client Request: ' "$f" | sed 's/.*Request: //')
  total=$(grep -m1 '^totals:' "$f" | awk '{print $2}')
  printf '%-34s %12d instructions each\n' "$name" $((total / 3))
done
rm -rf "$out"
