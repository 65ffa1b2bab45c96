#!/usr/bin/env python3
"""What the briefing record costs, and how fast it gives a frame back
(issue 17).  Run by bench/record.sh; writes out/record/.

1. Recording.  The live demo (layouts/demo-live.json on opswall-feedsim,
   127.0.0.1:8642) and the reference scene without video
   (bench/reference/novideo.json on the web peer's feedserver.py,
   127.0.0.1:8653: three feeds, two changing every second), each run
   offscreen with --record and the control API.  /metrics is read after
   the warm-up and at the end: the record's bytes and records, its CPU time
   on the main thread and the writer thread's (each thread's own clock),
   and the process's CPU (/proc): bytes per hour and per day, the record's
   share of one core and of the wall's own CPU, in the same run.

2. Replay from a week.  bench_record_week repeats the live demo's record
   into a week (168 hourly segments); `opswall replay --at` draws a moment
   of each day, beside `opswall render` of the same layout file at the
   same scale (a full redraw from nothing, in the same run).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import runlib  # noqa: E402
from runlib import log  # noqa: E402

TOKEN = "bench-record-token-0123456789"
CONTROL = 8473


def sample(pid):
    ms = runlib.parse_metrics(runlib.http_get(
        "http://127.0.0.1:%d/metrics" % CONTROL, TOKEN).decode())
    st = runlib.read_stat(pid)
    return {
        "t": time.monotonic(),
        "bytes": runlib.metric(ms, "opswall_record_bytes_total") or 0,
        "records": runlib.metric(ms, "opswall_record_records_total") or 0,
        "frame_cpu": ms.get(("opswall_record_cpu_seconds_total",
                             (("part", "frame"),)), 0),
        "writer_cpu": ms.get(("opswall_record_cpu_seconds_total",
                              (("part", "writer"),)), 0),
        "proc_cpu": st[1] / runlib.CLK if st else 0,
        "dropped": runlib.metric(ms, "opswall_record_dropped_total") or 0,
    }


def record_run(kids, build, name, layout, rec, warmup, seconds):
    env = dict(os.environ, OPSWALL_CONTROL_TOKEN=TOKEN)
    log("%s: %d s warm-up, %d s measured" % (name, warmup, seconds))
    wall = kids.start(name, [os.path.join(build, "opswall"), "run", layout,
                             "--offscreen", "--record", rec, "--control",
                             "127.0.0.1:%d" % CONTROL],
                      env=env, stdout=subprocess.DEVNULL,
                      stderr=open(rec + ".log", "w"))
    runlib.wait_http("http://127.0.0.1:%d/healthz" % CONTROL, name, 30,
                     wall)
    time.sleep(warmup)
    a = sample(wall.pid)
    time.sleep(seconds)
    b = sample(wall.pid)
    kids.stop(wall)
    span = b["t"] - a["t"]
    d = {k: b[k] - a[k] for k in a}
    segs = sorted(f for f in os.listdir(rec) if f.endswith(".owj"))
    total = sum(os.path.getsize(os.path.join(rec, f)) for f in segs)
    res = {
        "run": name,
        "seconds": round(span, 1),
        "bytes_per_s": d["bytes"] / span,
        "bytes_per_hour": d["bytes"] / span * 3600,
        "bytes_per_day": d["bytes"] / span * 86400,
        "records_per_s": d["records"] / span,
        "record_cpu_share_of_core": (d["frame_cpu"] + d["writer_cpu"]) / span,
        "frame_cpu_share_of_core": d["frame_cpu"] / span,
        "writer_cpu_share_of_core": d["writer_cpu"] / span,
        "wall_cpu_share_of_core": d["proc_cpu"] / span,
        "record_share_of_wall_cpu": ((d["frame_cpu"] + d["writer_cpu"]) /
                                     d["proc_cpu"]) if d["proc_cpu"] else 0,
        "dropped": d["dropped"],
        "folder_bytes": total,
    }
    log("%s: %.0f B/s, record %.3f %% of a core (wall %.1f %%)"
        % (name, res["bytes_per_s"], 100 * res["record_cpu_share_of_core"],
           100 * res["wall_cpu_share_of_core"]))
    return res


def timed(cmd):
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - t


def week(build, source, out, layout, scale):
    weekdir = os.path.join(out, "week")
    shutil.rmtree(weekdir, ignore_errors=True)
    made = json.loads(subprocess.run(
        [os.path.join(build, "bench", "bench_record_week"), source, weekdir,
         "7"], check=True, capture_output=True, text=True).stdout)
    log("week: %d records, %.1f MB in %d segments"
        % (made["records"], made["bytes"] / 1e6, made["segments"]))
    opswall = os.path.join(build, "opswall")
    png = os.path.join(out, "week.png")
    replays, renders = [], []
    for day in range(7):
        # Mid-hour in each day: the worst case reads half a segment.
        at = made["from_ms"] + day * 86400000 + 12 * 3600000 + 1800000
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at / 1000))
        iso += ".%03dZ" % (at % 1000)
        replays.append(timed([opswall, "replay", weekdir, "--at", iso,
                              "--scale", str(scale), "-o", png]))
        renders.append(timed([opswall, "render", layout, "--scale",
                              str(scale), "-o", png]))
    return {
        "run": "week",
        "records": made["records"],
        "bytes": made["bytes"],
        "segments": made["segments"],
        "replay_s_median": statistics.median(replays),
        "replay_s_max": max(replays),
        "render_s_median": statistics.median(renders),
        "replay_over_render": statistics.median(
            [a / b for a, b in zip(replays, renders)]),
    }


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    warmup = int(os.environ.get("REC_WARMUP", "15"))
    seconds = int(os.environ.get("REC_SECONDS", "120"))
    peer = os.environ.get("REC_PEER", "../shared/bench/peer-web")
    out = "out/record"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for port in (8642, 8653, CONTROL):
        if not runlib.port_free(port):
            raise SystemExit("record.py: port %d is busy" % port)
    kids = runlib.Children(os.path.join(out, "pids"))
    results = []
    try:
        sim = kids.start("feedsim", [os.path.join(build, "opswall-feedsim"),
                                     "--port", "8642"],
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        runlib.wait_http("http://127.0.0.1:8642/healthz", "feedsim", 10, sim)
        demo_rec = os.path.join(out, "demo-live")
        results.append(record_run(kids, build, "live demo",
                                  "layouts/demo-live.json", demo_rec,
                                  warmup, seconds))
        kids.stop(sim)
        feed = kids.start("feedserver", ["python3",
                                         os.path.join(peer, "feedserver.py"),
                                         "8653", "--quiet"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
        runlib.wait_http("http://127.0.0.1:8653/kpi.json", "feedserver", 10,
                         feed)
        results.append(record_run(kids, build, "reference scene (no video)",
                                  "bench/reference/novideo.json",
                                  os.path.join(out, "reference"), warmup,
                                  seconds))
        kids.stop(feed)
        results.append(week(build, demo_rec, out, "layouts/demo.json", 0.5))
    finally:
        kids.stop_all()
    with open(os.path.join(out, "results.jsonl"), "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    print("| run | B/s | MB/hour | MB/day | record CPU, % of a core "
          "(main + writer) | wall CPU, % of a core | record / wall CPU |")
    print("|---|---|---|---|---|---|---|")
    for r in results[:2]:
        print("| %s | %.0f | %.2f | %.1f | %.3f (%.3f + %.3f) | %.1f | "
              "%.2f %% |" % (r["run"], r["bytes_per_s"],
                             r["bytes_per_hour"] / 1e6,
                             r["bytes_per_day"] / 1e6,
                             100 * r["record_cpu_share_of_core"],
                             100 * r["frame_cpu_share_of_core"],
                             100 * r["writer_cpu_share_of_core"],
                             100 * r["wall_cpu_share_of_core"],
                             100 * r["record_share_of_wall_cpu"]))
    w = results[2]
    print()
    print("week: %d records, %.1f MB, %d segments; replay --at %.2f s "
          "median (max %.2f), render %.2f s; replay / render %.2f"
          % (w["records"], w["bytes"] / 1e6, w["segments"],
             w["replay_s_median"], w["replay_s_max"], w["render_s_median"],
             w["replay_over_render"]))


if __name__ == "__main__":
    main()
