#!/usr/bin/env bash
# The wall under accelerated life (issue 15): feeds changing every 100 ms,
# one flapping and one dripping; a 2 s rotation through charts, the map and
# a conference of 16 streams whose live senders are killed and restarted;
# a layout reload (invalid, valid, invalid, valid) every 15 s; 20 control
# requests a second.  RSS, PSS, heap, descriptors and threads are sampled
# each second and must stay flat after the warm-up (the criterion is in
# tools/soak.py); exit status 1 when they do not.
#
#   tools/soak.sh [BUILD_DIR] [-- soak.py options]
#   tools/soak.sh build --seconds 190 --warmup 60 --window 30   # as CI
#   tools/soak.sh build-asan --sanitized --displays 1x1 --rate 5 # leaks
#   tools/soak.sh build --warmup 300 --window 60 --plot P.png   # an hour
#
# Needs python3, ffmpeg (the streams, made in out/streams) and a built
# opswall and opswall-feedsim; ports 127.0.0.1:8655 (feeds), 8472 (control)
# and 8680-8687 (live streams) free.  Results in out/soak/ (--out).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  build=$1
  shift
fi
[ "${1:-}" = "--" ] && shift
if [ ! -x "$build/opswall" ] || [ ! -x "$build/opswall-feedsim" ]; then
  echo "soak.sh: no $build/opswall or opswall-feedsim (build first)" >&2
  exit 2
fi
# Debian's python3 (its python3-matplotlib draws the plot), else any.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" tools/soak.py --build "$build" "$@"
