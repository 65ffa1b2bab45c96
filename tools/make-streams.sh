#!/usr/bin/env bash
# Synthetic conference streams for the demo, made locally with ffmpeg (no
# network): one looping H.264 clip per bridge point, 640x360 at 25 fps, a
# moving test pattern in its own hue with a running clock, so every tile
# is visibly live.  Each tile's name is drawn by the wall, not burned in.
#   tools/make-streams.sh OUT_DIR [COUNT]
set -euo pipefail
out=${1:?usage: tools/make-streams.sh OUT_DIR [COUNT]}
count=${2:-16}
mkdir -p "$out"
for ((i = 0; i < count; i++)); do
  f="$out/cau-$i.mp4"
  [ -s "$f" ] && continue
  ffmpeg -v error -y -f lavfi \
    -i "testsrc2=size=640x360:rate=25,hue=h=$((i * 360 / count))" \
    -t 10 -c:v libx264 -preset veryfast -g 25 -pix_fmt yuv420p \
    -colorspace bt709 -color_range tv "$f"
done
