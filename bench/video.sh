#!/usr/bin/env bash
# Video tiles: how many 640x360 and 320x180 25 fps H.264 tiles play in real
# time (no picture dropped) on this machine, and the CPU per displayed
# picture, compared in the same run with the ffmpeg command line decoding
# the same stream alone (`ffmpeg -benchmark -i ... -f null -`), the limit
# for software decoding.  Each tile is shown at its native size.
#   bench/video.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-6}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for size in 640x360 320x180; do
  w=${size%x*}; h=${size#*x}
  f="$dir/$size.mp4"
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=$size:rate=25" -t 20 \
    -c:v libx264 -preset veryfast -g 25 -pix_fmt yuv420p "$f"
  # Decoding alone: CPU seconds per picture (500 pictures).
  bench=$(ffmpeg -benchmark -i "$f" -f null - 2>&1 | grep -m1 'bench: utime')
  ut=$(sed 's/.*utime=\([0-9.]*\)s.*/\1/' <<<"$bench")
  st=$(sed 's/.*stime=\([0-9.]*\)s.*/\1/' <<<"$bench")
  dec=$(awk -v u="$ut" -v s="$st" 'BEGIN { printf "%.3f", (u + s) * 1000 / 500 }')
  echo "== $size: ffmpeg decoding alone: $dec ms CPU per picture"
  for n in 1 2 4 8 16 32; do
    cols=1; while [ $((cols * cols)) -lt "$n" ]; do cols=$((cols + 1)); done
    rows=$(((n + cols - 1) / cols))
    ww=$((cols * (w + 24) + 64)); wh=$((rows * (h + 60) + 120))
    line=$("$build/bench/bench_video" . "$f" "$n" "$secs" "$ww" "$wh" 2>/dev/null)
    per=$(sed 's/.*= \([0-9.]*\) ms per.*/\1/' <<<"$line")
    ratio=$(awk -v p="$per" -v d="$dec" 'BEGIN { printf "%.2f", p / d }')
    echo "$line  (x$ratio of decoding alone)"
  done
done
echo "== latency: capture -> framebuffer, 320x180 H.264 over UDP on loopback"
"$build/bench/bench_latency" . 10 2>/dev/null
