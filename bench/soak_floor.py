#!/usr/bin/env python3
"""A long soak's samples cut into runs of CI's shape, each judged by the
short run's rules of tools/soak.py: how far the floor (the lowest window
low of a half) and the spread of the lows move on a wall that is flat.

    bench/soak_floor.py out/soak-hour/samples.csv [--warmup 300]
        [--run 190 --run-warmup 60 --window 30 --step 30]

The long run's own warm-up is skipped; from there it is cut into runs of
--run seconds beginning every --step seconds (overlapping when shorter
than --run), each with its own --run-warmup, as CI runs tools/soak.sh
(190 s, 60 s, windows of 30 s).  Prints, per memory
key, the floor rises and spreads of all runs (median, 95th percentile,
highest) and how many runs the short rule would fail.
"""

import argparse
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import soak  # noqa: E402  (tools/soak.py: windows(), FLOOR)


def load(path):
    with open(path, newline="") as f:
        return [{k: (None if v in ("", "None") else float(v))
                 for k, v in row.items()} for row in csv.DictReader(f)]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("samples")
    ap.add_argument("--warmup", type=float, default=300,
                    help="the long run's warm-up, skipped")
    ap.add_argument("--run", type=float, default=190)
    ap.add_argument("--run-warmup", type=float, default=60)
    ap.add_argument("--window", type=float, default=30)
    ap.add_argument("--step", type=float, default=30,
                    help="seconds between two runs' starts")
    args = ap.parse_args()
    samples = load(args.samples)
    end = samples[-1]["t"]
    runs = []
    start = args.warmup
    while start + args.run <= end:
        cut = [dict(s, t=s["t"] - start) for s in samples
               if start <= s["t"] < start + args.run]
        runs.append(cut)
        start += args.step
    if not runs:
        print("no whole run of %.0f s after %.0f s" % (args.run, args.warmup))
        return 2
    print("%d runs of %.0f s (warm-up %.0f s, windows of %.0f s), one "
          "every %.0f s, from %s" % (len(runs), args.run, args.run_warmup,
                                     args.window, args.step, args.samples))
    for key in ("rss_mb", "pss_mb", "heap_mb"):
        rises, spreads = [], []
        for cut in runs:
            lows = [lo for lo, _ in soak.windows(cut, key, args.run_warmup,
                                                  args.window)]
            if len(lows) < 4:
                continue
            first, second = lows[:len(lows) // 2], lows[len(lows) // 2:]
            rises.append((min(second) - min(first)) / min(first))
            spreads.append((max(second) - min(second)) /
                           statistics.fmean(second))
        if not rises:
            continue
        limit = soak.FLOOR[key]
        fails = sum(r > limit for r in rises) if limit is not None else 0
        print("%-8s floor rise: median %+.2f %%, 95th %+.2f %%, highest "
              "%+.2f %%; spread: median %.2f %%, 95th %.2f %%, highest "
              "%.2f %%; %s"
              % (key, 100 * statistics.median(rises), 100 * pct(rises, .95),
                 100 * max(rises), 100 * statistics.median(spreads),
                 100 * pct(spreads, .95), 100 * max(spreads),
                 "not judged" if limit is None else
                 "%d of %d over the limit (%.0f %%)"
                 % (fails, len(rises), 100 * limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
