#!/usr/bin/env python3
"""opswall beside the web peer on the reference scene of issue 14
(shared/bench/REFERENCE-SCENE.md).  Standard library only; run it through
bench/reference.sh, which finds (or installs) the peer and passes the paths.

    python3 bench/reference.py --peer DIR --build DIR --out DIR
        [--variants "full novideo idle"] [--modes "offscreen xvfb"]
        [--programs "peer ffmpeg opswall"] [--warmup 15] [--seconds 60]

For each variant, one after the other in this invocation:

  peer      the peer's own measure.py (in DIR, on its own feed server and
            Chromium; `--extra-query raf=0` for idle), one run; its JSON
            line is read back.
  opswall   for each mode, the peer's feedserver.py on 127.0.0.1:8653
            (`--frozen` for idle; the port is fixed in the layouts) and
            `opswall run bench/reference/V.json` with the control API on
            127.0.0.1:8471:
              offscreen  --offscreen (SDL's offscreen driver, EGL)
              xvfb       --fullscreen on an Xvfb screen of 3840 x 2160
                         (a real X window of the canvas' size)

Measured over --seconds after --warmup, the way measure.py measures the
peer: CPU seconds (user+sys) of every process of the program and all their
threads from /proc/PID/stat, and the sum of their Pss from
/proc/PID/smaps_rollup, sampled every 2 s (peak and final).  For opswall
"the program" is its own process only (and its threads): not the feed
server, not Xvfb.  Frames and video pictures come from the control API's
GET /metrics at both ends of the window; feed polls from the feed server's
GET /stats counts.

Output: one JSON line per run in OUT/results.jsonl (the peer's own lines
also in OUT/peer-V.jsonl), and one Markdown table on stdout and in
OUT/results.md.  Every process started here is stopped here, by PID, also
when a run fails or the script is interrupted; each is also listed in
OUT/pids while it runs (pid, start time, name), for reference.sh's trap.
"""

import argparse
import datetime
import glob
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
from runlib import (CLK, Children, Interrupted, descendants,  # noqa: E402
                    http_get, ignore_signals, log, metric, on_signal,
                    parse_metrics, port_free, read_pss_kb, read_stat,
                    wait_http)

FEED_PORT = 8653          # fixed in bench/reference/*.json
CONTROL_PORT = 8471
FEED_PATHS = ("/kpi.json", "/series.json", "/provinces.json")
SAMPLE_EVERY_S = 2.0


class Sampler:
    """CPU ticks per (pid, starttime) and the Pss sum of a process tree."""

    def __init__(self, root):
        self.root = root
        self.first, self.last = {}, {}
        self.pss = []

    def sample(self, first=False):
        total = 0
        for pid in descendants(self.root):
            st = read_stat(pid)
            if not st:
                continue
            key = (pid, st[2])
            if first:
                self.first[key] = st[1]
            elif key not in self.first:
                self.first[key] = 0      # born inside the window
            self.last[key] = st[1]
            total += read_pss_kb(pid)
        self.pss.append(total)

    def cpu_s(self):
        return sum(self.last[k] - self.first.get(k, 0)
                   for k in self.last) / CLK

    def processes(self):
        return len(self.last)


def sample_window(sampler, t0, seconds, proc, what):
    """Samples every SAMPLE_EVERY_S until t0 + seconds (the caller takes
    the last sample); fails if proc ends meanwhile."""
    while True:
        left = t0 + seconds - time.time()
        if left <= 0:
            return
        time.sleep(min(SAMPLE_EVERY_S, left))
        if time.time() - t0 < seconds - 0.05:
            sampler.sample()
        if proc.poll() is not None:
            raise RuntimeError("%s exited (%d) in the window"
                               % (what, proc.returncode))


def stream_pictures(m0, m1):
    """{stream: {kind: pictures in the window}} from
    opswall_stream_pictures_total{stream, kind}; {} without the metric."""
    out = {}
    for (name, labels), v in m1.items():
        if name != "opswall_stream_pictures_total":
            continue
        d = dict(labels)
        if "stream" not in d or "kind" not in d:
            continue
        per = out.setdefault(d["stream"], {})
        # summed, should the counter carry further labels (a decoder...)
        per[d["kind"]] = per.get(d["kind"], 0.0) + v - m0.get((name, labels),
                                                              0.0)
    return out


# ------------------------------------------------------------------ runs

def run_peer(variant, args, kids):
    jsonl = os.path.join(args.out, "peer-%s.jsonl" % variant)
    if os.path.exists(jsonl):
        os.unlink(jsonl)
    logdir = os.path.join(args.out, "logs", "peer")
    os.makedirs(logdir, exist_ok=True)
    cmd = [sys.executable, "measure.py", "--variants", variant,
           "--runs", "1", "--warmup", str(args.warmup),
           "--duration", str(args.seconds), "--jsonl", jsonl,
           "--logdir", logdir,
           "--shot", os.path.join(args.out, "peer-%s.png" % variant)
           if variant == "full" else ""]
    if variant == "idle":
        cmd += ["--extra-query", "raf=0"]
    log("peer %s: %s" % (variant, " ".join(cmd[1:])))
    out_log = open(os.path.join(args.out, "logs", "peer-%s.log" % variant),
                   "w")
    # SIGINT: measure.py then ends its Chromium and feed server itself.
    p = kids.start("measure.py", cmd, stop_signal=signal.SIGINT, grace=40.0,
                   cwd=args.peer, stdout=out_log, stderr=subprocess.STDOUT)
    limit = args.warmup + args.seconds + 180
    try:
        p.wait(limit)
    except subprocess.TimeoutExpired:
        raise RuntimeError("peer measure.py still running after %d s" % limit)
    finally:
        kids.stop(p)
        out_log.close()
    if p.returncode != 0:
        raise RuntimeError("peer measure.py exited %d (see logs/peer-%s.log)"
                           % (p.returncode, variant))
    with open(jsonl, encoding="utf-8") as f:
        rows = [json.loads(l) for l in f if l.strip()]
    r = [x for x in rows if x.get("variant") == variant][-1]
    res = {
        "program": "peer", "mode": "chromium headless", "variant": variant,
        "cpu_s": r["cpu_s"], "cpu_pct_of_one_core": r["cpu_pct_of_one_core"],
        "pss_mb_peak": r["pss_mb_peak"], "pss_mb_final": r["pss_mb_final"],
        "window_s": r["window_s"], "polls": r["polls"],
        "frames": r["frames"] if r.get("frames") else None,
        "frames_counter": "requestAnimationFrame callbacks"
                          if r.get("frames") else "none (raf=0)",
        "fps": r["fps"] if r.get("frames") else None,
        "processes": r.get("processes"),
        "query": r.get("query"),
    }
    if variant == "full":
        dec, drop = r.get("video_frames", 0), r.get("video_dropped", 0)
        res["pictures"] = {"decoded": dec, "shown": dec - drop,
                           "skipped": drop,
                           "skipped_pct_worst": None,
                           "skipped_pct_all": round(100.0 * drop / dec, 2)
                           if dec else None,
                           "videos_playing": r.get("videos_playing")}
    res["peer_line"] = r
    return res


def run_opswall(variant, mode, args, kids, display):
    layout = os.path.join(HERE, "reference", variant + ".json")
    opswall = os.path.join(args.build, "opswall")
    logdir = os.path.join(args.out, "logs")
    tag = "%s-%s" % (variant, mode)
    for port in (FEED_PORT, CONTROL_PORT):
        if not port_free(port):
            raise RuntimeError("127.0.0.1:%d is in use (the layouts and this "
                               "script need it)" % port)
    tokfile = os.path.join(args.out, "control.token")
    token = secrets.token_urlsafe(24)
    fd = os.open(tokfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")

    fs_cmd = [sys.executable, os.path.join(args.peer, "feedserver.py"),
              str(FEED_PORT), "--root", args.peer, "--quiet"]
    if variant == "idle":
        fs_cmd.append("--frozen")
    fs_log = open(os.path.join(logdir, "feedserver-%s.log" % tag), "w")
    feed = kids.start("feedserver.py", fs_cmd, stdout=fs_log,
                      stderr=subprocess.STDOUT)
    wall = None
    wall_log = open(os.path.join(logdir, "opswall-%s.log" % tag), "w")
    try:
        stats_url = "http://127.0.0.1:%d/stats" % FEED_PORT
        wait_http(stats_url, "feedserver", 20, feed)
        total = int(args.warmup + args.seconds + 20)
        cmd = [opswall, "run", layout,
               "--control", "127.0.0.1:%d" % CONTROL_PORT,
               "--control-token-file", tokfile, "--duration", "%ds" % total]
        env = dict(os.environ)
        env.pop("OPSWALL_CONTROL_TOKEN", None)
        if mode == "offscreen":
            cmd.append("--offscreen")
        else:
            cmd.append("--fullscreen")
            env["DISPLAY"] = display
        log("opswall %s %s: %s" % (variant, mode, " ".join(cmd[1:])))
        t_start = time.time()
        wall = kids.start("opswall", cmd, env=env, cwd=ROOT,
                          stdout=wall_log, stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % CONTROL_PORT
        wait_http(base + "/healthz", "opswall", 60, wall)
        time.sleep(max(0.0, t_start + args.warmup - time.time()))
        if wall.poll() is not None:
            raise RuntimeError("opswall exited (%d) during the warm-up"
                               % wall.returncode)

        # ---- window start
        sampler = Sampler(wall.pid)
        sampler.sample(first=True)
        m0 = parse_metrics(http_get(base + "/metrics", token).decode())
        c0 = json.loads(http_get(stats_url))["counts"]
        t0 = time.time()
        sample_window(sampler, t0, args.seconds, wall, "opswall")
        # ---- window end
        sampler.sample()
        m1 = parse_metrics(http_get(base + "/metrics", token).decode())
        c1 = json.loads(http_get(stats_url))["counts"]
        t1 = time.time()
        state = json.loads(http_get(base + "/api/state", token))
        window_geom = x_window(display) if mode == "xvfb" else None
        try:
            with open(os.path.join(args.out, "opswall-%s.png" % tag),
                      "wb") as f:
                f.write(http_get(base + "/api/frame.png", token, 30))
        except (OSError, urllib.error.URLError) as e:
            log("frame.png: %s" % e)
    finally:
        code = kids.stop(wall) if wall else None
        kids.stop(feed)
        wall_log.close()
        fs_log.close()
        os.unlink(tokfile)
    window = t1 - t0
    cpu = sampler.cpu_s()
    frames_name = "opswall_frames_presented_total"
    f0, f1 = metric(m0, frames_name), metric(m1, frames_name)
    if f1 is None:
        frames_name = "opswall_frame_seconds_count"
        f0, f1 = metric(m0, frames_name), metric(m1, frames_name)
    frames = (f1 - f0) if f1 is not None and f0 is not None else None
    res = {
        "program": "opswall", "mode": mode, "variant": variant,
        "cpu_s": round(cpu, 2),
        "cpu_pct_of_one_core": round(100.0 * cpu / window, 1),
        "pss_mb_peak": round(max(sampler.pss) / 1024.0, 1),
        "pss_mb_final": round(sampler.pss[-1] / 1024.0, 1),
        "window_s": round(window, 2),
        "polls": int(sum(c1.get(p, 0) - c0.get(p, 0) for p in FEED_PATHS)),
        "polls_by_path": {p: c1.get(p, 0) - c0.get(p, 0)
                          for p in FEED_PATHS},
        "frames": int(frames) if frames is not None else None,
        "frames_counter": frames_name,
        "fps": round(frames / window, 2) if frames is not None else None,
        "processes": sampler.processes(),
        "exit_status": code,
        "x_window": window_geom,
        "sources": state.get("sources"),
        "stream_states": sorted({s.get("state") for s in
                                 state.get("streams") or []}),
    }
    dropped = metric(m1, "opswall_frames_dropped_total")
    if dropped is not None:
        res["frames_over_budget"] = int(
            dropped - (metric(m0, "opswall_frames_dropped_total") or 0))
    if variant == "full":
        per = stream_pictures(m0, m1)
        if per:
            tot = {k: int(sum(s.get(k, 0) for s in per.values()))
                   for k in ("decoded", "shown", "skipped")}
            worst = max((100.0 * s.get("skipped", 0) / s["decoded"]
                         for s in per.values() if s.get("decoded")),
                        default=None)
            tot["skipped_pct_worst"] = (round(worst, 2)
                                        if worst is not None else None)
            tot["streams"] = len(per)
            res["pictures"] = tot
        else:
            res["pictures"] = None   # the build has no per-stream counter
    return res


def run_ffmpeg(variant, args, kids):
    """The decoding floor: ffmpeg alone decoding the scene's 16 files at
    their real-time pace (-re, looped, one thread each, to the null muxer),
    measured like opswall: CPU and PSS of the processes, same window."""
    media = sorted(glob.glob(os.path.join(args.peer, "media", "cam*.mp4")))
    if not media:
        raise RuntimeError("no media/cam*.mp4 in %s" % args.peer)
    loop = " ".join(
        "ffmpeg -nostdin -loglevel error -re -stream_loop -1 -threads 1 "
        "-i %s -f null - &" % shlex.quote(m) for m in media)
    log("ffmpeg decoding alone: %d files" % len(media))
    logf = open(os.path.join(args.out, "logs", "ffmpeg-decode.log"), "w")
    sh = kids.start("ffmpeg-decode", ["bash", "-c", loop + " wait"],
                    stdout=logf, stderr=subprocess.STDOUT)
    try:
        time.sleep(args.warmup)
        if sh.poll() is not None:
            raise RuntimeError("the decoders exited during the warm-up")
        sampler = Sampler(sh.pid)
        sampler.sample(first=True)
        t0 = time.time()
        sample_window(sampler, t0, args.seconds, sh, "the decoders")
        sampler.sample()
        t1 = time.time()
    finally:
        kids.stop(sh)
        logf.close()
    cpu = sampler.cpu_s()
    return {"program": "ffmpeg", "mode": "decode alone", "variant": variant,
            "cpu_s": round(cpu, 2),
            "cpu_pct_of_one_core": round(100.0 * cpu / (t1 - t0), 1),
            "pss_mb_peak": round(max(sampler.pss) / 1024.0, 1),
            "pss_mb_final": round(sampler.pss[-1] / 1024.0, 1),
            "window_s": round(t1 - t0, 2), "polls": 0, "frames": None,
            "frames_counter": None, "fps": None,
            "processes": sampler.processes()}


# ------------------------------------------------------------------ Xvfb

def x_window(display):
    """The opswall window's geometry on the X display ("3840x2160+0+0")."""
    try:
        tree = subprocess.run(["xwininfo", "-root", "-tree"],
                              env=dict(os.environ, DISPLAY=display),
                              capture_output=True, text=True,
                              timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in tree.splitlines():
        if '("opswall"' in line:
            m = re.search(r"(\d+x\d+[+-]\d+[+-]\d+)", line)
            if m:
                return m.group(1)
    return None


def start_xvfb(kids, display, logdir):
    n = display.lstrip(":").split(".")[0]
    sock = "/tmp/.X11-unix/X" + n
    if os.path.exists("/tmp/.X%s-lock" % n) or os.path.exists(sock):
        raise RuntimeError("display %s is taken (set REF_DISPLAY)" % display)
    log("Xvfb %s -screen 0 3840x2160x24" % display)
    out = open(os.path.join(logdir, "xvfb.log"), "w")
    x = kids.start("Xvfb", ["Xvfb", display, "-screen", "0", "3840x2160x24",
                            "-nolisten", "tcp"], stdout=out,
                   stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while not os.path.exists(sock):
        if x.poll() is not None or time.time() > deadline:
            raise RuntimeError("Xvfb did not start (logs/xvfb.log)")
        time.sleep(0.1)
    return x


# ------------------------------------------------------------------ table

def fmt(v, nd=1):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        s = "%.*f" % (nd, v)
    else:
        s = str(v)
    return s


def ratio(a, b, nd=2):
    if a is None or b in (None, 0):
        return "n/a"
    return "%.*f" % (nd, a / b)


def table(results, meta):
    head = ("| variant | program | CPU % of one core | PSS peak MB | "
            "PSS final MB | frames/s | feed polls | video pictures "
            "decoded / shown / skipped | skipped % (worst stream) | "
            "CPU ×peer | PSS peak ×peer | frames ×peer |")
    rows = [head, "|" + "---|" * 2 + "---:|" * 10]
    peers = {r["variant"]: r for r in results
             if r.get("program") == "peer" and "error" not in r}
    for r in results:
        name = r["program"] + ("" if r["program"] == "peer"
                               else " " + r["mode"])
        if "error" in r:
            rows.append("| %s | %s | failed: %s |%s" % (
                r["variant"], name, r["error"].replace("|", "/"),
                " |" * 9))
            continue
        pic = r.get("pictures")
        if r["variant"] != "full":
            pics, worst = "–", "–"
        elif not pic:
            pics, worst = "n/a", "n/a"
        else:
            pics = "%s / %s / %s" % (pic["decoded"], pic["shown"],
                                     pic["skipped"])
            if pic.get("skipped_pct_worst") is not None:
                worst = fmt(pic["skipped_pct_worst"], 2)
            elif pic.get("skipped_pct_all") is not None:
                worst = fmt(pic["skipped_pct_all"], 2) + " (all)"
            else:
                worst = "n/a"
        fps = fmt(r["fps"], 2) if r["fps"] is not None else "–"
        if r["frames_counter"] == "opswall_frame_seconds_count":
            fps += "*"
        p = peers.get(r["variant"])
        if r["program"] == "ffmpeg":
            pics, worst = "–", "–"
        if r["program"] in ("peer", "ffmpeg") or not p:
            rc = rp = rf = "–" if r["program"] in ("peer", "ffmpeg") else "n/a"
        else:
            rc = ratio(r["cpu_s"] / r["window_s"], p["cpu_s"] / p["window_s"])
            rp = ratio(r["pss_mb_peak"], p["pss_mb_peak"])
            rf = ratio(r["fps"], p["fps"])
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                    "| %s |" % (r["variant"], name,
                                fmt(r["cpu_pct_of_one_core"]),
                                fmt(r["pss_mb_peak"]), fmt(r["pss_mb_final"]),
                                fps, r["polls"], pics, worst, rc, rp, rf))
    dec = next((r for r in results if r.get("program") == "ffmpeg" and
                "error" not in r), None)
    vs_dec = []
    for r in results:
        if dec and r.get("program") != "ffmpeg" and "error" not in r and \
                r["variant"] == "full":
            name = r["program"] + ("" if r["program"] == "peer"
                                   else " " + r["mode"])
            vs_dec.append("- full, %s: CPU ×ffmpeg decoding alone %s" % (
                name, ratio(r["cpu_s"] / r["window_s"],
                            dec["cpu_s"] / dec["window_s"])))
    notes = vs_dec + [
        "",
        "%s, %s CPUs, %s s warm-up, %s s measured per run." % (
            meta["date"], meta["cpus"], meta["warmup_s"], meta["seconds"]),
        "- CPU and PSS: peer = every Chromium process of the run "
        "(its measure.py); opswall = its own process and its threads only, "
        "not the feed server and not Xvfb.",
        "- frames/s: peer = requestAnimationFrame callbacks (the page asks "
        "for one every refresh, changed or not; none counted for idle, run "
        "with raf=0); opswall = frames presented "
        "(opswall_frames_presented_total; * = that counter is missing in "
        "this build, opswall_frame_seconds_count used: frames drawn).",
        "- feed polls: requests the feed server answered in the window "
        "(peer: polls the page completed).",
        "- video pictures: peer = getVideoPlaybackQuality() total / total - "
        "dropped / dropped, over all 16 videos (no per-video figure: "
        "\"(all)\"); opswall = opswall_stream_pictures_total by kind, summed "
        "over the streams (n/a: not in this build).",
    ]
    return "\n".join(rows + notes) + "\n"


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer", required=True, help="writable peer-web copy")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "reference"))
    ap.add_argument("--variants", default="full novideo idle")
    ap.add_argument("--modes", default="offscreen xvfb")
    ap.add_argument("--programs", default="peer ffmpeg opswall")
    ap.add_argument("--warmup", type=float, default=15.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--display", default=":99")
    args = ap.parse_args()
    args.peer = os.path.abspath(args.peer)
    args.build = os.path.abspath(args.build)
    args.out = os.path.abspath(args.out)
    variants = args.variants.replace(",", " ").split()
    modes = args.modes.replace(",", " ").split()
    programs = args.programs.replace(",", " ").split()
    for v in variants:
        if v not in ("full", "novideo", "idle"):
            ap.error("unknown variant %r" % v)
    for m in modes:
        if m not in ("offscreen", "xvfb"):
            ap.error("unknown mode %r" % m)
    for p in programs:
        if p not in ("peer", "opswall", "ffmpeg"):
            ap.error("unknown program %r" % p)
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds"), "cpus": os.cpu_count(),
        "warmup_s": args.warmup, "seconds": args.seconds,
        "variants": variants, "modes": modes, "programs": programs}
    jsonl = os.path.join(args.out, "results.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        f.write(json.dumps({"meta": meta}, ensure_ascii=False) + "\n")
    kids = Children(os.path.join(args.out, "pids"))
    results, failed = [], False
    try:
        xvfb = None
        if "opswall" in programs and "xvfb" in modes:
            xvfb = start_xvfb(kids, args.display,
                              os.path.join(args.out, "logs"))
        for v in variants:
            runs = []
            if "peer" in programs:
                runs.append(("peer", None))
            if "ffmpeg" in programs and v == "full":
                runs.append(("ffmpeg", None))
            if "opswall" in programs:
                runs += [("opswall", m) for m in modes]
            for prog, mode in runs:
                try:
                    if prog == "peer":
                        r = run_peer(v, args, kids)
                    elif prog == "ffmpeg":
                        r = run_ffmpeg(v, args, kids)
                    else:
                        if mode == "xvfb" and xvfb.poll() is not None:
                            raise RuntimeError("Xvfb has exited")
                        r = run_opswall(v, mode, args, kids, args.display)
                except (RuntimeError, OSError, ValueError, KeyError,
                        urllib.error.URLError) as e:
                    failed = True
                    log("%s %s failed: %s" % (prog if mode is None else
                                              prog + " " + mode, v, e))
                    r = {"program": prog, "mode": mode, "variant": v,
                         "error": str(e)}
                results.append(r)
                with open(jsonl, "a", encoding="utf-8") as f:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
                if "error" not in r:
                    log("%s %s: CPU %s %% of a core, PSS peak %s MB, "
                        "%s frames/s, %s polls" % (
                            prog if mode is None else prog + " " + mode,
                            v, r["cpu_pct_of_one_core"],
                            r["pss_mb_peak"], fmt(r["fps"], 2), r["polls"]))
    except Interrupted as e:
        log("interrupted (%s): stopping what was started" % e)
        failed = True
    finally:
        ignore_signals()
        kids.stop_all()
        try:
            os.unlink(kids.pidfile)
        except OSError:
            pass
    md = table(results, meta)
    with open(os.path.join(args.out, "results.md"), "w",
              encoding="utf-8") as f:
        f.write(md)
    sys.stdout.write(md)
    log("wrote %s and %s" % (os.path.join(args.out, "results.md"), jsonl))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
