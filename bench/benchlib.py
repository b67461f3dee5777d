"""Shared helpers for the bpfscope benchmark scripts in bench/.

Each bench/*.sh script is a thin bash wrapper that runs a python3 program
importing this module.  Nothing here needs anything beyond the python3
standard library, a C compiler (for the load program) and, for peak RSS,
GNU time at /usr/bin/time (Debian package `time`).

Environment:
  BPFSCOPE   the bpfscope binary (default: <repo>/build/bpfscope); it is copied
             to /tmp once stable and the copy is used (BPFSCOPE_NO_COPY=1: not)
  BPFTRACE   the bpftrace binary to compare against (default: /usr/bin/bpftrace
             or `bpftrace` on PATH); set it to "" or "none" to skip bpftrace
  RUNS       how many alternating runs per figure (each script has its default)
"""

import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
GNU_TIME = "/usr/bin/time"
LOAD_BIN = "/tmp/bpfscope-bench-load"

# Printed by bpftrace on stderr once every probe is attached when this variable is
# set (its runtime-test framework uses it).  bpftrace's own "Attaching N probes..."
# comes *before* attaching, so it is no readiness signal.
BPFTRACE_READY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
# bpfscope prints this on stderr after the last attach, before BEGIN runs.
BPFSCOPE_READY = "Attached "


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Tool:
    def __init__(self, name, path, ready_marker, env=None):
        self.name = name
        self.path = path
        self.ready_marker = ready_marker
        self.env = dict(os.environ)
        if env:
            self.env.update(env)

    def argv(self, script, extra=()):
        if script is None:                      # e.g. extra=("--version",)
            return [self.path, *extra]
        return [self.path, *extra, "-e", script]


def require_root():
    if os.geteuid() != 0:
        sys.exit("these benchmarks load BPF programs: run them as root")
    prioritise()


AUTOGROUP_NICE = None


def prioritise():
    """Make `nice -n -15 bench/...` work on a machine shared with other sessions.

    With kernel.sched_autogroup_enabled=1 (Debian's default) the scheduler first shares the
    CPUs equally between sessions and applies nice only inside one: a niced benchmark got a
    quarter of the CPU time against four other sessions' builds (`perf stat`: 0.26 CPUs
    utilised, 271 ms for a 64 ms job). So a benchmark run with a negative nice value starts a
    session of its own (the tools and the load inherit it) and gives that session's group the
    same nice value."""
    global AUTOGROUP_NICE
    n = os.nice(0)
    if n >= 0 or AUTOGROUP_NICE is not None:
        return
    try:
        os.setsid()
    except OSError:
        pass                                    # already a session leader: use this session
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(n))
        AUTOGROUP_NICE = n
    except OSError:
        pass                                    # no autogroups: nice alone applies


def find_bpfscope(wait_s=300):
    """A private copy of the bpfscope binary, taken once the binary is stable.

    build/bpfscope is relinked from time to time while people work; a benchmark
    that ran into a relink would fail or mix two builds. So wait until the file
    exists, is executable, has not changed for 5 s and answers --version, then
    copy it to /tmp (same file system type as the build tree here) and use the
    copy for the whole script. BPFSCOPE_NO_COPY=1 uses the binary in place."""
    path = os.path.abspath(os.environ.get("BPFSCOPE") or os.path.join(REPO, "build", "bpfscope"))
    deadline = time.monotonic() + wait_s
    warned = False
    while True:
        try:
            st = os.stat(path)
            stable = (os.access(path, os.X_OK) and time.time() - st.st_mtime > 5 and
                      subprocess.run([path, "--version"], capture_output=True,
                                     timeout=10).returncode == 0)
        except (OSError, subprocess.SubprocessError):
            stable = False
        if stable:
            break
        if time.monotonic() > deadline:
            sys.exit(f"no usable bpfscope at {path} (set BPFSCOPE=)")
        if not warned:
            log(f"waiting for {path} to be complete (being rebuilt?) ...")
            warned = True
        time.sleep(2)
    if os.environ.get("BPFSCOPE_NO_COPY") == "1":
        return path
    copy = f"/tmp/bpfscope-bench-bin.{os.getpid()}"
    shutil.copy2(path, copy + ".part")
    os.replace(copy + ".part", copy)
    import atexit
    atexit.register(lambda: os.path.exists(copy) and os.unlink(copy))
    global BPFSCOPE_ORIGIN
    BPFSCOPE_ORIGIN = path
    return copy


BPFSCOPE_ORIGIN = None


def find_bpftrace():
    env = os.environ.get("BPFTRACE")
    if env is not None:
        if env in ("", "none", "0"):
            return None
        return env if os.access(env, os.X_OK) else shutil.which(env)
    if os.access("/usr/bin/bpftrace", os.X_OK):
        return "/usr/bin/bpftrace"
    return shutil.which("bpftrace")


def bpfscope_build(path):
    try:
        v = subprocess.run([path, "--version"], capture_output=True, text=True,
                           timeout=10).stdout.strip()
    except Exception:
        v = "bpfscope"
    mtime = time.strftime("%Y-%m-%d %H:%M", time.gmtime(os.stat(path).st_mtime))
    return f"{v}, built {mtime} UTC"


def bpftrace_version(path):
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or out.stderr.strip()
    except Exception:
        return "bpftrace (unknown version)"


def tools(bpftrace_env=None):
    """The tools to compare: bpfscope first, then bpftrace if it is installed."""
    require_root()
    result = [Tool("bpfscope", find_bpfscope(), BPFSCOPE_READY)]
    bt = find_bpftrace()
    if bt:
        env = {BPFTRACE_READY: "1"}
        if bpftrace_env:
            env.update(bpftrace_env)
        result.append(Tool("bpftrace", bt, BPFTRACE_READY, env))
    else:
        log("bpftrace not found: printing bpfscope's figures only")
    return result


def have_gnu_time():
    return os.access(GNU_TIME, os.X_OK)


def rss_note():
    if have_gnu_time():
        return "peak RSS: GNU time -f %M (max resident set size of the tool)"
    return ("peak RSS: /usr/bin/time missing (apt-get install time); "
            "using wait4() ru_maxrss, the same figure GNU time reports")


def runs(default):
    try:
        return max(1, int(os.environ.get("RUNS", default)))
    except ValueError:
        return default


def build_load():
    """Compile bench/load.c into /tmp (again only if the source is newer)."""
    src = os.path.join(BENCH_DIR, "load.c")
    if (not os.path.exists(LOAD_BIN)
            or os.path.getmtime(LOAD_BIN) < os.path.getmtime(src)):
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if not cc:
            sys.exit("no C compiler (cc) for the load program")
        subprocess.run([cc, "-O2", "-o", LOAD_BIN, src], check=True)
    return LOAD_BIN


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------------------
# Running a tool

def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class Run:
    """One run of a tracing tool.

    With rss=True the tool runs under GNU time, whose pid is the Popen's; the
    tool itself is then its child (GNU time ignores SIGINT, so signals go to
    the child, found through /proc)."""

    def __init__(self, tool, script, extra=(), stdout=subprocess.DEVNULL, rss=False):
        self.tool = tool
        self.rss_file = None
        argv = tool.argv(script, extra)
        self.use_time = rss and have_gnu_time()
        if self.use_time:
            self.rss_file = f"/tmp/bpfscope-bench-rss.{os.getpid()}"
            argv = [GNU_TIME, "-f", "%M", "-o", self.rss_file, *argv]
        self.stderr = b""
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                     stderr=subprocess.PIPE, env=tool.env)
        self._rusage = None
        self.returncode = None
        self.resent = 0
        self.killed = False
        self._tool_pid = None if self.use_time else self.proc.pid

    @property
    def pid(self):
        """pid of the tool itself (not of GNU time)."""
        if self._tool_pid is None:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                kids = _children(self.proc.pid)
                if kids:
                    self._tool_pid = kids[0]
                    break
                if self.proc.poll() is not None:
                    break
                time.sleep(0.0005)
        return self._tool_pid

    def _read_stderr(self, timeout):
        fd = self.proc.stderr.fileno()
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        self.stderr += chunk
        return True

    def attachments(self):
        """(bpf_link fds, perf_event fds) the tool holds."""
        links = perfs = 0
        pid = self.pid
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target == "anon_inode:bpf_link":
                    links += 1
                elif target == "anon_inode:[perf_event]":
                    perfs += 1
        except OSError:
            pass
        return links, perfs

    def wait_ready(self, timeout=60.0, probes=0):
        """Seconds from start until every probe is attached.

        First the tool's own marker on stderr.  Then, with probes=P, until the
        tool holds P BPF links (or, for a tool that attaches without links, P
        perf-event fds): bpfscope prints "Attached N probes" before BEGIN runs and
        attaches the other probes only after it, so the marker alone comes early.
        bpftrace's marker already follows its attach; the fd check is then a
        no-op (its printf perf buffer alone holds one perf-event fd per CPU)."""
        marker = self.tool.ready_marker.encode()
        deadline = time.perf_counter() + timeout
        while marker not in self.stderr:
            left = deadline - time.perf_counter()
            if left <= 0:
                self.kill()
                raise RuntimeError(f"{self.tool.name}: not ready after {timeout}s; "
                                   f"stderr: {self.stderr.decode(errors='replace')}")
            if not self._read_stderr(left):
                self.finish()
                raise RuntimeError(f"{self.tool.name} exited before attaching: "
                                   f"{self.stderr.decode(errors='replace')}")
        while probes:
            links, perfs = self.attachments()
            if links >= probes or (links == 0 and perfs >= probes):
                break
            if time.perf_counter() > deadline or self.proc.poll() is not None:
                self.kill()
                raise RuntimeError(f"{self.tool.name}: {links} links / {perfs} perf events, "
                                   f"not {probes}: {self.stderr.decode(errors='replace')}")
            time.sleep(0.0002)
        return time.perf_counter() - self.t0

    def interrupt(self):
        """Send SIGINT to the tool; returns the time it was sent."""
        pid = self.pid
        t = time.perf_counter()
        if pid:
            os.kill(pid, signal.SIGINT)
        return t

    def finish(self, timeout=120, resend_int=None, kill_after=None):
        """Wait for the exit; returns the perf_counter time the exit was seen.

        resend_int: if the tool has not exited that many seconds after the last
        SIGINT, send another one.  bpftrace 0.17 misses a SIGINT that arrives
        between attaching and its first epoll_wait() (the wait has no timeout when
        nothing is periodic); a second SIGINT interrupts the wait and it exits.
        The number of re-sends is kept in self.resent.

        kill_after: SIGKILL the tool if it is still running that many seconds
        after this call (self.killed is then True) instead of failing."""
        deadline = time.perf_counter() + timeout
        kill_at = time.perf_counter() + kill_after if kill_after else None
        next_int = time.perf_counter() + resend_int if resend_int else None
        while True:
            now = time.perf_counter()
            left = deadline - now
            if left <= 0:
                self.kill()
                raise RuntimeError(f"{self.tool.name}: did not exit within {timeout}s")
            wait = min(left, 1.0)
            if kill_at is not None:
                if now >= kill_at:
                    self.killed = True
                    kill_at = None
                    next_int = None
                    pid = self.pid
                    if pid:
                        os.kill(pid, signal.SIGKILL)
                else:
                    wait = max(0.0, min(wait, kill_at - now))
            if next_int is not None:
                if now >= next_int:
                    self.interrupt()
                    self.resent += 1
                    next_int = now + resend_int
                wait = max(0.0, min(wait, next_int - now))
            if not self._read_stderr(wait):
                break
        if self.use_time:
            self.returncode = self.proc.wait(timeout=max(1, deadline - time.perf_counter()))
        else:
            _, status, self._rusage = os.wait4(self.proc.pid, 0)
            self.proc.returncode = self.returncode = os.waitstatus_to_exitcode(status)
        t_exit = time.perf_counter()
        self.proc.stderr.close()
        return t_exit

    def kill(self):
        for pid in (self._tool_pid, self.proc.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            self.proc.wait(timeout=10)
        except Exception:
            pass

    def peak_rss_kib(self):
        if self.use_time:
            try:
                with open(self.rss_file) as f:
                    text = f.read().strip().splitlines()
                os.unlink(self.rss_file)
                # GNU time prefixes "Command exited with non-zero status N" lines.
                return int(text[-1])
            except (OSError, ValueError, IndexError):
                return None
        if self._rusage:
            return self._rusage.ru_maxrss
        return None

    def stderr_text(self):
        return self.stderr.decode(errors="replace")


def run_to_exit(tool, script, extra=(), rss=False, timeout=120):
    """Run a script that exits by itself; returns (wall seconds, run)."""
    r = Run(tool, script, extra, rss=rss)
    t_exit = r.finish(timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{tool.name} failed ({r.returncode}): {r.stderr_text()}")
    return t_exit - r.t0, r


# ---------------------------------------------------------------------------
# bpf_stats

def bpf_prog_stats(pid):
    """run_time_ns and run_cnt of every BPF program the process holds an fd to,
    one entry per program id: {prog_id: {prog_type, run_time_ns, run_cnt}}."""
    progs = {}
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(f"{fd_dir}/{fd}") != "anon_inode:bpf-prog":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                info = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        except OSError:
            continue
        info = {k.strip(): v.strip() for k, v in info.items()}
        pid_key = info.get("prog_id") or f"fd{fd}"
        progs[pid_key] = {
            "prog_type": int(info.get("prog_type", -1)),
            "run_time_ns": int(info.get("run_time_ns", 0)),
            "run_cnt": int(info.get("run_cnt", 0)),
        }
    return progs


class BpfStats:
    """Context manager: kernel.bpf_stats_enabled=1, restored afterwards."""
    PATH = "/proc/sys/kernel/bpf_stats_enabled"

    def __enter__(self):
        with open(self.PATH) as f:
            self.old = f.read().strip()
        subprocess.run(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=1"], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["sysctl", "-q", "-w", f"kernel.bpf_stats_enabled={self.old}"])
        return False


# ---------------------------------------------------------------------------
# The load

class Load:
    """The load program, started blocked so its pid is known before tracing."""

    def __init__(self, n):
        self.n = n
        self.proc = subprocess.Popen([build_load(), str(n), "wait"], stdin=subprocess.PIPE)
        self.pid = self.proc.pid
        self.t_release = None

    def release(self):
        self.t_release = time.perf_counter()
        self.proc.stdin.write(b"x")
        self.proc.stdin.close()

    def wait(self):
        self.proc.wait()
        return time.perf_counter() - self.t_release


# ---------------------------------------------------------------------------
# Tables

def fmt(v, unit="", prec=1):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return f"{v:,}{unit}"
    return f"{v:,.{prec}f}{unit}"


def ratio(a, b, prec=2):
    """a / b as 'x.xx×' (bpfscope over bpftrace: below 1 means bpfscope is better
    for times and sizes)."""
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.{prec}f}x"


def table(headers, rows):
    cols = list(zip(*([headers] + [[str(c) for c in r] for r in rows])))
    widths = [max(len(c) for c in col) for col in cols]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    print(line)
    print(sep)
    for r in rows:
        cells = [str(c) for c in r]
        print("| " + " | ".join(
            c.rjust(w) if i > 0 and re.match(r"[-0-9.,]+[x%]?( \([0-9.,]+\))?$", c) else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths))) + " |")
    sys.stdout.flush()


def header(title, tool_list, n_runs):
    print(f"## {title}")
    print()
    names = []
    for t in tool_list:
        if t.name == "bpftrace":
            names.append(f"{bpftrace_version(t.path)} ({t.path})")
        else:
            origin = f"copy of {BPFSCOPE_ORIGIN}" if BPFSCOPE_ORIGIN else t.path
            names.append(f"bpfscope ({origin}, {bpfscope_build(t.path)})")
    print(f"tools: {'; '.join(names)}")
    load = os.getloadavg()
    prio = (f"; nice {os.nice(0)}, session group nice {AUTOGROUP_NICE}"
            if AUTOGROUP_NICE is not None else f"; nice {os.nice(0)}")
    print(f"machine: {os.cpu_count()} CPUs, Linux {os.uname().release}, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start{prio}; "
          f"median of {n_runs} alternating runs")
    print()
    sys.stdout.flush()


def mib(kib):
    return None if kib is None else kib / 1024.0


def rss_breakdown(pid):
    """Resident KiB of a running process by kind of mapping, from /proc/<pid>/smaps:
    {"total", "anon" (heap, stacks, anonymous), "exe" (the tool's own binary),
     "libs" (other files), "bpf" (mmapped BPF maps: the ring buffer; its data pages
     are mapped twice so that records can wrap around)}."""
    exe = os.path.realpath(f"/proc/{pid}/exe")
    out = {"total": 0, "anon": 0, "exe": 0, "libs": 0, "bpf": 0}
    kind = "anon"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(None, 1)[0]
            if "-" in first and not first.endswith(":"):
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) > 5 else ""
                if name.startswith("anon_inode:bpf-map"):
                    kind = "bpf"
                elif name == exe:
                    kind = "exe"
                elif name.startswith("/"):
                    kind = "libs"
                else:
                    kind = "anon"
            elif first == "Rss:":
                kib = int(line.split()[1])
                out[kind] += kib
                out["total"] += kib
    return out
