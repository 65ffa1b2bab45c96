#!/usr/bin/env bash
# opswall beside the web peer on the reference scene of issue 14
# (shared/bench/REFERENCE-SCENE.md, layouts in bench/reference/): runs the
# peer (Chromium + ECharts, its own measure.py), ffmpeg decoding the
# scene's 16 videos alone (the decoding floor, full only) and opswall
# (offscreen, and fullscreen in an Xvfb window of 3840 x 2160) one after
# the other, 15 s of
# warm-up then 60 s measured each, and prints one Markdown table.  The
# measuring is bench/reference.py; results, JSON lines, logs and a frame of
# each run go to out/reference/.
#
#   bench/reference.sh [BUILD_DIR]
#
# Environment (defaults in brackets):
#   REF_WARMUP [15]  REF_SECONDS [60]  REF_VARIANTS ["full novideo idle"]
#   REF_MODES ["offscreen xvfb"]  REF_PROGRAMS ["peer ffmpeg opswall"]
#   REF_DISPLAY [:99] (the Xvfb display)
#   REF_PEER_SRC [../shared/bench/peer-web, beside the repository]: where
#   the peer is installed from when out/peer-web (the copy measured, whose
#   media/ the layouts play) is missing or incomplete
#
# Needs: python3, chromium, ffmpeg, node/npm (the peer's setup), Xvfb for
# the xvfb mode; ports 127.0.0.1:8653 (feed server, fixed in the layouts)
# and 8471 (control API) free.  The peer's copy is made with its
# install.sh when it is missing.  Every process started is stopped by PID,
# also on failure or ^C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
peer=out/peer-web
peer_src=${REF_PEER_SRC:-../shared/bench/peer-web}
out=out/reference

if [ ! -x "$build/opswall" ]; then
  echo "reference.sh: no $build/opswall (build first)" >&2
  exit 1
fi
need=(measure.py feedserver.py index.html app.js media/videos.json
      node_modules/echarts/dist/echarts.min.js maps/vn63.geojson
      fonts/BeVietnamPro-Regular.ttf)
for i in $(seq -w 1 16); do need+=("media/cam$i.mp4"); done
missing=""
for f in "${need[@]}"; do
  [ -e "$peer/$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
  echo "reference.sh: $peer lacks$missing: installing it from $peer_src" >&2
  "$peer_src/install.sh" "$root/$peer"
fi

mkdir -p "$out"
py=""
# Ends reference.py (it stops its own children), then by PID whatever it
# listed in out/reference/pids and left running (if it was killed).
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$py" ] && kill -0 "$py" 2>/dev/null; then
    kill -INT "$py" 2>/dev/null || true
    for _ in $(seq 1 120); do
      kill -0 "$py" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$py" 2>/dev/null || true
  fi
  if [ -f "$out/pids" ]; then
    while read -r pid start name; do
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
      rest=${stat##*) }
      read -r -a f <<<"$rest"
      if [ "${f[19]}" = "$start" ]; then
        echo "reference.sh: stopping $name ($pid)" >&2
        kill -TERM "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$out/pids"
    rm -f "$out/pids"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

python3 bench/reference.py --peer "$peer" --build "$build" --out "$out" \
  --warmup "${REF_WARMUP:-15}" --seconds "${REF_SECONDS:-60}" \
  --variants "${REF_VARIANTS:-full novideo idle}" \
  --modes "${REF_MODES:-offscreen xvfb}" \
  --programs "${REF_PROGRAMS:-peer ffmpeg opswall}" \
  --display "${REF_DISPLAY:-:99}" &
py=$!
wait "$py"
