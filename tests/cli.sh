#!/usr/bin/env bash
# CLI end-to-end: exit codes, messages, render, offscreen run, schema,
# install.  Usage: cli.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
bin=$build/opswall
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect_rc() { # want_rc description command...
    local want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$what: rc $rc, want $want"; cat "$tmp/err" >&2; fi
}
expect_rc 0 "--help" "$bin" --help
grep -q "render LAYOUT -o OUT.png" "$tmp/out" && ok || bad "--help text"
expect_rc 0 "feedsim --help" "$build/opswall-feedsim" --help
grep -q "usage: opswall-feedsim" "$tmp/out" && ok || bad "feedsim --help on stdout"
expect_rc 2 "feedsim bad option" "$build/opswall-feedsim" --nope
expect_rc 0 "--version" "$bin" --version
grep -qE '^opswall [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" && ok || bad "--version text"
expect_rc 2 "no command" "$bin"
expect_rc 2 "unknown command" "$bin" frobnicate
expect_rc 0 "check demo" "$bin" check "$src/layouts/demo.json"
grep -q "0 warning(s)" "$tmp/out" && ok || bad "demo has warnings"
expect_rc 1 "check broken" "$bin" check "$src/tests/layouts/bad/overlap.json"
grep -q 'overlap.json:10:41: error: widget "b" overlaps widget "a"' "$tmp/out" && ok || bad "check message"
expect_rc 1 "check missing file" "$bin" check "$tmp/nope.json"
grep -q "cannot open" "$tmp/out" && ok || bad "missing file message"
expect_rc 1 "check a directory" "$bin" check "$src"
expect_rc 1 "check /dev/null" "$bin" check /dev/null
expect_rc 2 "render without -o" "$bin" render "$src/layouts/demo.json"
expect_rc 2 "render bad --at" "$bin" render "$src/layouts/demo.json" -o "$tmp/x.png" --at yesterday
expect_rc 2 "render bad --scale" "$bin" render "$src/layouts/demo.json" -o "$tmp/x.png" --scale 0
expect_rc 2 "render bad --region" "$bin" render "$src/layouts/demo.json" -o "$tmp/x.png" --region 1,2,3
expect_rc 1 "render unknown scene" "$bin" render "$src/layouts/demo.json" -o "$tmp/x.png" --scene nope
expect_rc 1 "render broken layout" "$bin" render "$src/tests/layouts/bad/overlap.json" -o "$tmp/x.png"
expect_rc 0 "render demo" "$bin" render "$src/layouts/demo.json" -o "$tmp/demo.png" --scale 0.25 --at 2026-11-22T09:15:00+07:00
[ -s "$tmp/demo.png" ] && ok || bad "render wrote no PNG"
expect_rc 0 "render twice, same bytes" "$bin" render "$src/layouts/demo.json" -o "$tmp/demo2.png" --scale 0.25 --at 2026-11-22T09:15:00+07:00
cmp -s "$tmp/demo.png" "$tmp/demo2.png" && ok || bad "render is not deterministic"
expect_rc 0 "run offscreen" "$bin" run "$src/layouts/demo.json" --offscreen --scale 0.25 --duration 2s --snapshot "$tmp/run.png"
[ -s "$tmp/run.png" ] && ok || bad "run wrote no snapshot"
grep -q "frames presented" "$tmp/err" && ok || bad "run summary"
# The briefing record: a folder others may read is refused, with why.
mkdir -m 0755 "$tmp/rec-open"
expect_rc 1 "run --record into a 0755 folder" "$bin" run "$src/layouts/demo.json" --offscreen --scale 0.25 --duration 1s --record "$tmp/rec-open"
grep -q "has mode 0755.*chmod 700" "$tmp/err" && ok || bad "--record mode message: $(cat "$tmp/err")"
expect_rc 2 "render --record" "$bin" render "$src/layouts/demo.json" -o "$tmp/r.png" --record "$tmp/rec"
# The wall keeps its frame rate while a feed hangs: network faults never
# reach the render thread.
sim=$build/opswall-feedsim
if [ -x "$sim" ]; then
    # National drips a byte every 300 ms; services answers (the ticker
    # animates from it, so the wall must draw every frame).
    "$sim" --port 8643 --fault /api/national=drip >"$tmp/sim.out" 2>&1 &
    simpid=$!
    sleep 0.5
    sed 's/127.0.0.1:8642/127.0.0.1:8643/' "$src/layouts/demo-live.json" >"$src/layouts/.cli-live.json"
    "$bin" run "$src/layouts/.cli-live.json" --offscreen --scale 0.25 --duration 4s \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    rm -f "$src/layouts/.cli-live.json"
    kill $simpid 2>/dev/null; wait $simpid 2>/dev/null
    [ $rc = 0 ] && ok || bad "run against hanging feeds: rc $rc"
    frames=$(sed -n 's/.* \([0-9]*\) frames presented.*/\1/p' "$tmp/err")
    worst=$(sed -n 's/.*worst frame \([0-9]*\) ms.*/\1/p' "$tmp/err")
    [ "${frames:-0}" -ge 60 ] && ok || bad "hanging feeds: only ${frames:-0} frames in 4 s"
    [ "${worst:-9999}" -le 500 ] && ok || bad "hanging feeds: a frame took ${worst:-?} ms"
    echo "hanging feeds: $frames frames in 4 s, worst frame $worst ms"
else
    bad "opswall-feedsim not built"
fi
"$bin" schema >"$tmp/schema.json" && cmp -s "$tmp/schema.json" "$src/layouts/schema.json" && ok \
    || bad "layouts/schema.json is out of date: run 'opswall schema > layouts/schema.json'"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/schema.json" && ok || bad "schema is not JSON"
# Installed layout: the binary finds its shaders and fonts under PREFIX/share.
if cmake --install "$build" --prefix "$tmp/prefix" >/dev/null; then
    (cd "$tmp" && "$tmp/prefix/bin/opswall" render "$tmp/prefix/share/opswall/layouts/demo.json" \
        -o "$tmp/inst.png" --scale 0.25 --at 2026-11-22T09:15:00+07:00 >/dev/null 2>&1) \
        && [ -s "$tmp/inst.png" ] && ok || bad "installed binary cannot render"
else
    bad "cmake --install failed"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
