#!/usr/bin/env bash
# opswall set-up: installs what Debian 12 needs, builds, then runs.
#
#   tools/setup.sh demo   install, build, run the demo wall
#   tools/setup.sh test   install, build, run the whole test suite:
#                         plain build, ASan+UBSan build, ThreadSanitizer
#                         build, a 3-minute soak (and one under ASan for
#                         leaks), bounded fuzzing
#
# Needs root or sudo for apt-get (skipped when everything is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-demo}

packages=(build-essential cmake pkg-config python3
  libsdl2-dev libsdl2-ttf-dev libcairo2-dev libcurl4-openssl-dev libcjson-dev
  libunistring-dev libmicrohttpd-dev zlib1g-dev libegl-dev libgles-dev libgl1-mesa-dri libegl-mesa0
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  libsystemd-dev libopenmpi-dev openmpi-bin)
if [ "$mode" = test ]; then
  packages+=(clang libclang-rt-dev valgrind openssl nginx-light
    python3-gi gir1.2-gst-rtsp-server-1.0 gir1.2-gstreamer-1.0
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
    chromium python3-prometheus-client)
  # The operator console's browser test runs on Node.js with playwright-core
  # (from the npm registry, no browser download): Debian's when none is here.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

install_deps() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

build() { # dir, cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

install_deps
case "$mode" in
demo)
  build build
  # The live demo: opswall-feedsim serves changing indicators on
  # 127.0.0.1:8642; the wall polls it.  Stopped when the demo ends.
  build/opswall-feedsim --port 8642 >/dev/null &
  sim=$!
  trap 'kill $sim 2>/dev/null' EXIT
  sleep 0.5
  kill -0 $sim 2>/dev/null || { echo "setup: feedsim could not start (port 8642 busy?)" >&2; exit 1; }
  layout=layouts/demo-live.json
  # Scene 3 (key 3) shows a conference of 16 synthetic streams made here.
  tools/make-streams.sh out/streams 16
  # The control API and operator console on loopback, with a fresh token.
  mkdir -p out
  (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > out/control.token)
  control=(--control 127.0.0.1:8470 --control-token-file out/control.token)
  echo "setup: operator console: http://127.0.0.1:8470/#token=$(cat out/control.token)"
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "setup: running the demo wall in a preview window (Esc quits, F5 reloads)"
    build/opswall run "$layout" --window 0.5 "${control[@]}"
    exit 0
  fi
  echo "setup: no display here: running the wall offscreen for 8 s"
  build/opswall run "$layout" --offscreen --duration 8s --snapshot out/demo.png \
    "${control[@]}"
  echo "setup: the demo wall's last frame is in $(pwd)/out/demo.png"
  ;;
test)
  echo "== browser test dependencies (tests/console)"
  (cd tests/console && npm ci --no-audit --no-fund --loglevel=error)
  echo "== plain build (warnings are errors)"
  build build -DOPSWALL_WERROR=ON
  (cd build && ctest --output-on-failure)
  echo "== ASan + UBSan build"
  build build-asan -DOPSWALL_WERROR=ON -DOPSWALL_SANITIZE=address,undefined \
    -DCMAKE_BUILD_TYPE=Debug
  # LeakSanitizer's own tracer now and then crashes at exit ("Tracer caught
  # signal 11", then "LeakSanitizer has encountered a fatal error") with
  # nothing of ours on the stack; only then are the failed tests run once
  # more, and the log says so.  Any other failure fails the run.
  log=$(mktemp)
  if ! (cd build-asan && ctest --output-on-failure) 2>&1 | tee "$log"; then
    if grep -q "LeakSanitizer has encountered a fatal error" "$log"; then
      echo "setup: LeakSanitizer's tracer crashed; running the failed tests once more"
      (cd build-asan && ctest --rerun-failed --output-on-failure)
    else
      rm -f "$log"
      exit 1
    fi
  fi
  rm -f "$log"
  echo "== ThreadSanitizer build"
  build build-tsan -DOPSWALL_WERROR=ON -DOPSWALL_SANITIZE=thread \
    -DCMAKE_BUILD_TYPE=Debug
  # Every test but the fuzz corpora (which start no thread), and every
  # process they start (opswall, mpirun's ranks): a report from any of them
  # lands in $reports, and one is a failure.  Suppressions, each explained:
  # tests/tsan.supp.
  reports=$(mktemp -d)
  failed=0
  TSAN_OPTIONS="suppressions=$(pwd)/tests/tsan.supp log_path=$reports/tsan" \
    bash -c 'cd build-tsan && ctest -E "^fuzz_" --output-on-failure' ||
    failed=1
  if compgen -G "$reports/tsan*" >/dev/null; then
    cat "$reports"/tsan*
    echo "setup: ThreadSanitizer reported the above" >&2
    failed=1
  fi
  rm -rf "$reports"
  [ "$failed" -eq 0 ] || exit 1
  echo "== soak: 3 minutes of accelerated life, memory flat (tools/soak.sh)"
  tools/soak.sh build --seconds 190 --warmup 60 --window 30 --out out/soak-ci
  echo "== soak under ASan: leaks at exit (LeakSanitizer)"
  # One display and 5 requests a second: ASan's build is 2-3 times slower,
  # and what is judged here is what is left allocated at exit.
  # As above, LeakSanitizer's own tracer crash (and only it) earns one
  # more run.
  soak_asan=(tools/soak.sh build-asan --seconds 75 --warmup 15 --window 10
    --sanitized --displays 1x1 --rate 5 --png-every 20 --out out/soak-asan)
  if ! "${soak_asan[@]}"; then
    grep -q "LeakSanitizer has encountered a fatal error" \
      out/soak-asan/opswall.log || exit 1
    echo "setup: LeakSanitizer's tracer crashed; the soak once more"
    "${soak_asan[@]}"
  fi
  echo "== fuzzing (libFuzzer + ASan + UBSan, bounded)"
  CC=clang cmake -S . -B build-fuzz -DOPSWALL_FUZZ=ON \
    -DOPSWALL_SANITIZE=address,undefined >/dev/null
  cmake --build build-fuzz -j"$(nproc)" --target fuzz_layout fuzz_payload fuzz_series fuzz_geojson fuzz_control fuzz_epoch fuzz_journal
  secs=${OPSWALL_FUZZ_SECONDS:-60}
  for t in layout payload series geojson control epoch journal; do
    work=$(mktemp -d)
    log=$work/fuzz.log
    echo "fuzz_$t: ${secs}s"
    if ! build-fuzz/tests/fuzz_$t -max_total_time="$secs" -max_len=8192 \
        -dict=tests/fuzz/$t.dict -artifact_prefix="$work/" "$work" \
        tests/fuzz/corpus/$t >"$log" 2>&1; then
      tail -n 40 "$log"
      echo "fuzz_$t failed; the input is in $work" >&2
      exit 1
    fi
    grep -E '^Done [0-9]+ runs' "$log" || true
    rm -rf "$work"
  done
  echo "setup: all tests passed"
  ;;
*)
  echo "usage: tools/setup.sh demo|test" >&2
  exit 2
  ;;
esac
