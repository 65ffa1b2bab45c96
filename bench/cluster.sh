#!/usr/bin/env bash
# The wall over MPI ranks on this machine: the live demo layout
# (layouts/demo-live.json, 2 x 2 displays of 1920 x 1080, fed by
# opswall-feedsim on loopback) split over 1, 2 and 4 render ranks plus the
# master, offscreen at full size, 20 s each.  From the master's metrics:
# frames drawn in step, frame rate, epochs and their bytes (steady, with
# new data, with the layout), barrier wait per rank.  A 2-core machine
# runs 3-5 processes here: compare the rows with each other, not with a
# real wall.
#   bench/cluster.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-20}
work=$(mktemp -d)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OPSWALL_CONTROL_TOKEN=bench-cluster-token-0123456789
sim_port=18642 ctl=127.0.0.1:18473
"$build/opswall-feedsim" --port $sim_port >/dev/null 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5
for n in 1 2 4; do
  python3 - "$PWD" "$work/wall-$n.json" "$n" "$sim_port" <<'PY'
import json, re, sys
src, out, n, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
t = open(f"{src}/layouts/demo-live.json").read()
t = re.sub(r"^\s*//.*$", "", t, flags=re.M).replace("127.0.0.1:8642", f"127.0.0.1:{port}")
d = json.loads(t)
d.pop("rotation", None)
d.pop("schedule", None)
for s in d["sources"].values():
    if s["url"].startswith("file:"):
        s["url"] = f"file:{src}/layouts/" + s["url"][5:]
blocks = {1: [[0, 0, 2, 2]], 2: [[0, 0, 1, 2], [1, 0, 1, 2]],
          4: [[0, 0, 1, 1], [1, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1]]}[n]
d["cluster"] = {"ranks": [{"displays": b} for b in blocks]}
json.dump(d, open(out, "w"), ensure_ascii=False)
PY
  mpirun -np $((n + 1)) "$build/opswall" run "$work/wall-$n.json" --cluster \
    --offscreen --duration "${secs}s" --control $ctl >/dev/null 2>&1 &
  job=$!
  sleep $((secs - 2))
  curl -s -H "Authorization: Bearer $OPSWALL_CONTROL_TOKEN" \
    "http://$ctl/metrics" >"$work/m-$n.txt" || true
  wait $job || echo "mpirun -np $((n + 1)) failed" >&2
  python3 - "$work/m-$n.txt" "$n" "$((secs - 2))" <<'PY'
import re, sys
text, n, secs = open(sys.argv[1]).read(), int(sys.argv[2]), float(sys.argv[3])
def val(name, labels=""):
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")
frames = val("opswall_cluster_frames_total")
ep = {k: val("opswall_cluster_epochs_total", f'{{carried="{k}"}}') for k in ("all", "data", "layout")}
by = {k: val("opswall_cluster_epoch_bytes_total", f'{{carried="{k}"}}') for k in ("all", "data", "layout")}
plain_n = ep["all"] - ep["data"] - ep["layout"]
plain_b = by["all"] - by["data"] - by["layout"]
waits = [val("opswall_cluster_barrier_wait_seconds_total", f'{{rank="{r}"}}') for r in range(n + 1)]
missed = [val("opswall_cluster_missed_frames_total", f'{{rank="{r}"}}') for r in range(n + 1)]
print(f"{n} render rank(s): {frames:.0f} frames in ~{secs:.0f} s = {frames / secs:.1f} frames/s")
print(f"  epochs: steady {plain_b / max(plain_n, 1):.0f} B each ({plain_n:.0f}), "
      f"with new data {by['data'] / max(ep['data'], 1):.0f} B each ({ep['data']:.0f}), "
      f"with the layout {by['layout'] / max(ep['layout'], 1):.0f} B ({ep['layout']:.0f})")
print("  barrier wait per frame, ms: " + ", ".join(
    f"rank {r} {1000 * w / max(frames, 1):.2f}" for r, w in enumerate(waits)))
print("  frames over 16.7 ms: " + ", ".join(f"rank {r} {m:.0f}" for r, m in enumerate(missed)))
PY
done
