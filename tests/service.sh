#!/usr/bin/env bash
# service: opswall under a stand-in for systemd.  A datagram socket plays
# NOTIFY_SOCKET; the wall must say READY=1, ping WATCHDOG=1 at half the
# WATCHDOG_USEC interval from its main loop, and say STOPPING=1.  The unit
# file is checked with systemd-analyze when it is installed.
#   service.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { if eval "$1"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2" >&2; fi; }

/usr/bin/python3 - "$work/notify" "$work/got" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write(f"{time.monotonic():.3f} {msg!r}\n")
            out.flush()
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
listener=$!
for _ in $(seq 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$work/notify WATCHDOG_USEC=1000000 \
  "$build/opswall" run "$src/tests/layouts/good/briefing.json" --offscreen \
  --scale 0.25 --duration 4s 2>"$work/log"
wait $listener || true
check 'grep -q "READY=1" "$work/got"' "READY=1 sent"
check 'grep -q "STATUS=showing scene ban-do" "$work/got"' "status names the scene"
n=$(grep -c "WATCHDOG=1" "$work/got" || true)
check '[ "$n" -ge 5 ]' "watchdog pinged at half the interval over 4 s (got $n)"
check 'grep -q "STOPPING=1" "$work/got"' "STOPPING=1 sent"
# Without NOTIFY_SOCKET nothing is sent and nothing breaks.
"$build/opswall" run "$src/tests/layouts/good/briefing.json" --offscreen \
  --scale 0.25 --duration 1s 2>/dev/null
check 'true' "runs outside systemd"
# Journal format when stderr is the journal.
JOURNAL_STREAM=8:1 "$build/opswall" run "$src/tests/layouts/good/briefing.json" \
  --offscreen --scale 0.25 --duration 1s 2>"$work/jlog" || true
check 'grep -q "^<6>app: " "$work/jlog"' "journal priority prefixes"
if command -v systemd-analyze >/dev/null; then
  # The unit names /usr/local/bin/opswall, which need not exist here:
  # only that complaint is allowed.
  out=$(systemd-analyze verify "$src/tools/systemd/opswall.service" 2>&1 || true)
  bad=$(echo "$out" | grep -v -e 'opswall: No such file' -e '^$' \
        -e 'Command /usr/local/bin/opswall is not executable' || true)
  check '[ -z "$bad" ]' "unit file verifies: $bad"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
