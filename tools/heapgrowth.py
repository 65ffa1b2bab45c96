#!/usr/bin/env python3
"""Which allocation stacks' live memory grows over a heaptrack recording.

    heaptrack -o out/ht -p $(pgrep -f 'opswall run')   # during a soak
    python3 tools/heapgrowth.py out/ht.zst [--step 10] [--top 15]

heaptrack_print answers "what leaked at exit" and "what peaked"; a wall
that frees everything at exit but holds more and more while it runs
shows in neither.  This replays the recording (heaptrack's v3 text format:
strings `s`, instruction pointers `i`, trace nodes `t`, allocation infos
`a`, allocations `+` and frees `-` by info index, time stamps `c` in ms,
all hex), takes each stack's live bytes every --step seconds, and lists
the stacks whose lowest live bytes grew the most between a fifth of the
way in and the end.  Minima, not means, so that memory in flight (a
payload being parsed, a picture being decoded) does not count.
Attached to a running process, heaptrack sees only what is allocated
after it attached, which is what the question is about.

Written here because heaptrack's own massif export has no detail for an
attached process (every snapshot "below threshold") and heaptrack_gui
needs a display.  Needs zstdcat.
"""
import argparse
import collections
import subprocess


def replay(path, step):
    """(snapshots [(t, {trace: bytes})], strings, ips, traces)."""
    p = subprocess.Popen(["zstdcat", path], stdout=subprocess.PIPE,
                         text=True, errors="replace", bufsize=1 << 20)
    strings, ips, traces, infos = [""], [None], [(0, 0)], []
    live = collections.Counter()       # allocation info -> live count
    snaps, next_t, now = [], step, 0.0

    def snap(t):
        by = collections.Counter()
        for ai, n in live.items():
            if n > 0:
                size, trace = infos[ai]
                by[trace] += n * size
        snaps.append((t, by))

    for line in p.stdout:
        c = line[0]
        if c == "+":
            live[int(line[2:], 16)] += 1
        elif c == "-":
            live[int(line[2:], 16)] -= 1
        elif c == "a":
            _, size, trace = line.split()
            infos.append((int(size, 16), int(trace, 16)))
        elif c == "t":
            _, ip, parent = line.split()
            traces.append((int(ip, 16), int(parent, 16)))
        elif c == "i":
            f = line.split()
            fn = int(f[3], 16) if len(f) > 3 else 0
            fl = int(f[4], 16) if len(f) > 4 else 0
            ln = int(f[5], 16) if len(f) > 5 else 0
            ips.append((int(f[2], 16), fn, fl, ln))
        elif c == "s":
            strings.append(line[2:].split(" ", 1)[1].rstrip("\n"))
        elif c == "c":
            now = int(line[2:], 16) / 1000.0
            while now >= next_t:
                snap(next_t)
                next_t += step
    p.wait()
    snap(now)
    return snaps, strings, ips, traces


def stack(trace, strings, ips, traces, depth=12):
    out = []
    while trace and len(out) < depth:
        ip, parent = traces[trace]
        mod, fn, fl, ln = ips[ip]
        name = strings[fn] if fn else "?"
        where = ("%s:%d" % (strings[fl].rsplit("/", 1)[-1], ln) if fl
                 else strings[mod].rsplit("/", 1)[-1])
        out.append("%s (%s)" % (name, where))
        trace = parent
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("recording")
    ap.add_argument("--step", type=float, default=10.0)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--span", type=int, default=6,
                    help="snapshots whose minimum stands for each end")
    args = ap.parse_args()
    snaps, strings, ips, traces = replay(args.recording, args.step)
    if len(snaps) < 3 * args.span:
        raise SystemExit("heapgrowth: %d snapshots, too short a recording"
                         % len(snaps))
    print("live bytes since heaptrack attached, every %g s:" % args.step)
    for t, by in snaps[::max(1, len(snaps) // 20)]:
        print("  t=%7.0f s  %8.1f MB" % (t, sum(by.values()) / 1e6))
    a = snaps[len(snaps) // 5:len(snaps) // 5 + args.span]
    b = snaps[-args.span - 1:-1]
    keys = set()
    for _, by in a + b:
        keys |= set(by)
    rows = sorted(((min(by.get(k, 0) for _, by in b) -
                    min(by.get(k, 0) for _, by in a), k) for k in keys),
                  reverse=True)
    print("\ngrowth of each stack's lowest live bytes, t %.0f-%.0f s vs "
          "%.0f-%.0f s:" % (a[0][0], a[-1][0], b[0][0], b[-1][0]))
    for d, k in rows[:args.top]:
        print("\n%+.2f MB" % (d / 1e6))
        for frame in stack(k, strings, ips, traces):
            print("    " + frame)


if __name__ == "__main__":
    main()
