"""Helpers shared by the bench and the soak (standard library only): the
/proc readings of a process tree, the children a script starts and stops
by PID, plain HTTP on loopback and the Prometheus text of /metrics."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

CLK = os.sysconf("SC_CLK_TCK")
NAME = os.path.basename(sys.argv[0]).split(".")[0]


def log(msg):
    sys.stderr.write("%s: %s\n" % (NAME, msg))
    sys.stderr.flush()


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    ignore_signals()           # once: the clean-up must not be cut short
    raise Interrupted("signal %d" % signum)


def ignore_signals():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def read_stat(pid):
    """(ppid, utime+stime ticks of the whole thread group, starttime)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            s = f.read().decode("latin-1")
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[19])


def read_pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(root):
    """root and every process below it."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = read_stat(int(d))
            if st:
                parent[int(d)] = st[0]
    out = set()
    for pid in parent:
        p, hops = pid, 0
        while p > 1 and hops < 64:
            if p == root:
                out.add(pid)
                break
            p = parent.get(p, 0)
            hops += 1
    return out


# ------------------------------------------------------------------ children

class Children:
    """Every process this script starts, stopped by PID."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.procs = []          # (Popen, name, starttime, stop signal)

    def start(self, name, cmd, stop_signal=signal.SIGTERM, grace=15.0,
              **kw):
        # In a session of its own: only the signals sent here reach it (a
        # ^C in the terminal reaches this script, which then stops it).
        p = subprocess.Popen(cmd, start_new_session=True, **kw)
        st = read_stat(p.pid)
        self.procs.append((p, name, st[2] if st else 0, stop_signal, grace))
        self._write()
        return p

    def _write(self):
        with open(self.pidfile, "w") as f:
            for p, name, start, _, _ in self.procs:
                if p.poll() is None:
                    f.write("%d %d %s\n" % (p.pid, start, name))

    def stop(self, p):
        """End p and then, by PID, whatever it left running below it."""
        entry = next(e for e in self.procs if e[0] is p)
        grace = entry[4]
        below = {}
        for pid in descendants(p.pid) - {p.pid}:
            st = read_stat(pid)
            if st:
                below[pid] = st[2]
        if p.poll() is None:
            p.send_signal(entry[3])
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                if entry[3] != signal.SIGTERM:
                    p.terminate()
                    try:
                        p.wait(5)
                    except subprocess.TimeoutExpired:
                        pass
                if p.poll() is None:
                    p.kill()
                    p.wait(5)
        deadline = time.time() + 5
        for pid, start in below.items():
            while time.time() < deadline:
                st = read_stat(pid)
                if not st or st[2] != start:
                    break
                time.sleep(0.2)
            st = read_stat(pid)
            if st and st[2] == start:            # the same process, still up
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        self.procs.remove(entry)
        self._write()
        return p.returncode

    def stop_all(self):
        for p, _, _, _, _ in list(reversed(self.procs)):
            try:
                self.stop(p)
            except (OSError, subprocess.SubprocessError) as e:
                log("stopping %d: %s" % (p.pid, e))


# ------------------------------------------------------------------ HTTP

def http_get(url, token=None, timeout=5.0):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def wait_http(url, what, seconds, proc=None, token=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited (%d) before answering"
                               % (what, proc.returncode))
        try:
            http_get(url, token, timeout=1.0)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError("%s did not answer %s within %d s"
                       % (what, url, seconds))


def port_free(port):
    import socket
    s = socket.socket()
    # as the servers bind (SO_REUSEADDR): a closed connection waiting out
    # its TIME_WAIT on the port does not make it busy
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text -> {(name, ((label, value), ...)): float}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            continue
        labels = []
        for k, v in _LABEL.findall(m.group(3) or ""):
            v = v.replace(r"\n", "\n").replace(r'\"', '"').replace(
                r"\\", "\\")
            labels.append((k, v))
        try:
            out[(m.group(1), tuple(sorted(labels)))] = float(m.group(4))
        except ValueError:
            pass
    return out


def metric(ms, name):
    """The unlabelled sample `name`, or None."""
    return ms.get((name, ()))
