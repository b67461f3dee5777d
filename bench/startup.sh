#!/usr/bin/env bash
# Start-up cost of bpfscope (and bpftrace 0.17 when installed), three cases:
#   BEGIN { exit(); }          wall time from exec to exit, peak RSS
#   tracepoint one-liner       time until the tool says every probe is attached
#   20-probe script            same, 20 syscall tracepoints with maps/hist/printf
# Readiness: bpfscope prints "Attached N probes" on stderr, then runs BEGIN, then
# attaches the other probes, so after that line the harness also waits until the
# tool holds one BPF link per probe (polling /proc/<pid>/fd every 0.2 ms).
# bpftrace prints __BPFTRACE_NOTIFY_PROBES_ATTACHED on stderr after attaching when
# that variable is set (its "Attaching N probes..." comes before attaching).
# 50 ms after readiness the tool gets SIGINT; the time to its exit is shown too.
# Timing runs and peak-RSS runs (under GNU time) alternate and are separate, so the
# extra fork/exec of GNU time is not in the times. RUNS=N changes the run count.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import os, re, sys
sys.path.insert(0, os.getcwd())
import benchlib as B

N = B.runs(10)
tools = B.tools()
# bpfscope caches compiled objects on disk: the warm-up run fills a scratch cache and the counted
# runs use it. CACHE=0 passes --no-cache (every run compiles).
CACHE = os.environ.get("CACHE", "1") != "0"
tools[0].env["BPFSCOPE_CACHE_DIR"] = f"/tmp/bpfscope-bench-cache.{os.getpid()}"
if not CACHE:
    _argv = tools[0].argv
    tools[0].argv = lambda script, extra=(): _argv(script, extra if script is None else ("--no-cache", *extra))

def probes20():
    lines = [
        'tracepoint:syscalls:sys_enter_read { @read[comm] = count(); @read_bytes = hist(args->count); }',
        'tracepoint:syscalls:sys_enter_write { @write[comm] = count(); @write_bytes = hist(args->count); }',
        'tracepoint:syscalls:sys_enter_openat { @open[comm, pid] = count(); }',
        'tracepoint:syscalls:sys_enter_close { @close = count(); }',
        'tracepoint:syscalls:sys_enter_mmap { @mmap_len = hist(args->len); }',
        'tracepoint:syscalls:sys_enter_munmap { @munmap[comm] = sum(args->len); }',
        'tracepoint:syscalls:sys_enter_brk { @brk[pid] = count(); }',
        'tracepoint:syscalls:sys_enter_ioctl { @ioctl[args->cmd] = count(); }',
        'tracepoint:syscalls:sys_enter_pread64 { @pread = hist(args->count); }',
        'tracepoint:syscalls:sys_enter_pwrite64 { @pwrite = lhist(args->count, 0, 65536, 4096); }',
        'tracepoint:syscalls:sys_enter_execve { printf("exec %d %s\\n", pid, comm); }',
        'tracepoint:syscalls:sys_enter_exit_group { printf("exit %d %s %d\\n", pid, comm, args->error_code); }',
        'tracepoint:syscalls:sys_enter_kill { printf("kill %d -> %d sig %d\\n", pid, args->pid, args->sig); }',
        'tracepoint:syscalls:sys_enter_clone { @clone[comm] = count(); }',
        'tracepoint:syscalls:sys_enter_nanosleep { @sleep[comm] = count(); }',
        'tracepoint:syscalls:sys_enter_futex { @futex[comm] = max(args->val); }',
        'tracepoint:syscalls:sys_enter_epoll_wait { @epoll[comm] = avg(args->maxevents); }',
        'tracepoint:syscalls:sys_enter_getdents64 { @getdents[comm] = count(); }',
        'tracepoint:syscalls:sys_enter_newfstatat { @stat[comm] = min(args->flag); }',
        'tracepoint:syscalls:sys_enter_unlinkat { printf("unlink %d %s\\n", pid, comm); }',
    ]
    assert len(lines) == 20
    return "\n".join(lines) + "\n"

CASES = [
    ("--version (no BPF: process start and exit)", None, "version"),
    ("BEGIN { exit(); }", "BEGIN { exit(); }", "exit"),
    ("tracepoint one-liner, keyed map",
     "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }", "ready"),
    ("20 tracepoints (maps, hist, printf)", probes20(), "ready"),
]
PROBES = {"tracepoint one-liner, keyed map": 1, "20 tracepoints (maps, hist, printf)": 20}

def measure(tool, label, script, kind, rss, extra=()):
    """One run: (seconds to exit or to attached, seconds from SIGINT to exit or
    None, peak RSS KiB or None, stderr)."""
    if kind == "version":
        if extra:                               # no -v phase timings for this one
            return 0, None, None, ""
        secs, r = B.run_to_exit(tool, None, ("--version",), rss=rss)
        return secs, None, r.peak_rss_kib() if rss else None, r.stderr_text()
    if kind == "exit":
        secs, r = B.run_to_exit(tool, script, extra, rss=rss)
        return secs, None, r.peak_rss_kib() if rss else None, r.stderr_text()
    r = B.Run(tool, script, extra, rss=rss)
    try:
        secs = r.wait_ready(probes=PROBES[label])
    except Exception:
        r.kill()
        raise
    # Let the tool reach its event loop before the SIGINT (bpftrace 0.17 can miss
    # one sent right after attaching); the re-send covers the rest.
    B.time.sleep(0.05)
    t_int = r.interrupt()
    t_exit = r.finish(resend_int=2)
    global resent
    resent += r.resent
    stop = None if r.resent else t_exit - t_int
    return secs, stop, r.peak_rss_kib() if rss else None, r.stderr_text()

resent = 0
B.header("Start-up", tools, N)
print(f"bpfscope object cache: {'on (warm)' if CACHE else 'off (--no-cache)'}")
times = {}   # (case, tool) -> [s]
stops = {}   # (case, tool) -> [s from SIGINT to exit]
rsses = {}
phases = {}  # case -> {phase: [ms]}
for label, script, kind in CASES:
    # One warm-up run per tool (page cache, tracefs dentries), not counted.
    for t in tools:
        measure(t, label, script, kind, False)
    for i in range(N):
        for t in tools:
            secs, stop, _, _ = measure(t, label, script, kind, False)
            times.setdefault((label, t.name), []).append(secs)
            stops.setdefault((label, t.name), []).append(stop)
            _, _, kib, _ = measure(t, label, script, kind, True)
            rsses.setdefault((label, t.name), []).append(kib)
            if t.name == "bpfscope":
                # -v prints "Timings: parse X ms, analyse Y ms, codegen Z ms" and
                # "Timings: load, run and exit W ms" (W runs to the exit).
                _, _, _, err = measure(t, label, script, kind, False, extra=("-v",))
                for m in re.finditer(r"Timings: (.*)", err):
                    for name, ms in re.findall(r"(?:^|, )([^0-9]+?) ([0-9.]+) ms", m.group(1)):
                        phases.setdefault(label, {}).setdefault(name, []).append(float(ms))

headers = ["case", "measure"]
for t in tools:
    headers += [f"{t.name} ms (min)", f"{t.name} RSS MiB", f"{t.name} SIGINT-to-exit ms"]
if len(tools) > 1:
    headers += ["time ratio", "RSS ratio"]
rows = []
for label, script, kind in CASES:
    row = [label, "exec to attached" if kind == "ready" else "exec to exit"]
    meds = []
    for t in tools:
        ms = B.median(times[(label, t.name)]) * 1000
        ms_min = min(times[(label, t.name)]) * 1000
        kib = B.median(rsses[(label, t.name)])
        stop = B.median(stops[(label, t.name)])
        meds.append((ms, kib))
        row += [f"{ms:,.1f} ({ms_min:,.1f})", B.fmt(B.mib(kib)),
                B.fmt(None if stop is None else stop * 1000)]
    if len(tools) > 1:
        row += [B.ratio(meds[0][0], meds[1][0]), B.ratio(meds[0][1], meds[1][1])]
    rows.append(row)
B.table(headers, rows)
print()
if len(tools) > 1:
    print("ratio = bpfscope / bpftrace of the medians (below 1: bpfscope faster / smaller)")
print(B.rss_note())
if resent:
    print(f"(SIGINT had to be re-sent {resent} time(s): bpftrace 0.17 can miss one sent just after attaching)")
print()
print("bpfscope -v phase timings (median ms). 'load, run and exit' runs from the end")
print("of codegen to the exit: for the attach cases it includes the 50 ms wait before")
print("the SIGINT and the SIGINT-to-exit time above.")
prow = []
names = []
for label, _, _ in CASES:
    for k in phases.get(label, {}):
        if k not in names:
            names.append(k)
for label, _, kind in CASES:
    if kind == "version":
        continue
    prow.append([label] + [B.fmt(B.median(phases.get(label, {}).get(k, [])), prec=2) for k in names])
B.table(["case"] + [f"{k} ms" for k in names], prow)

# Where the resident memory is, for the attached one-liner (one run per tool).
print()
print("resident memory of the attached one-liner, by mapping (MiB, from /proc/<pid>/smaps):")
brow = []
for t in tools:
    r = B.Run(t, CASES[2][1])
    try:
        r.wait_ready(probes=1)
        B.time.sleep(0.05)
        b = B.rss_breakdown(r.pid)
    finally:
        r.interrupt()
        r.finish(resend_int=2)
    brow.append([t.name] + [B.fmt(b[k] / 1024) for k in ("total", "exe", "libs", "bpf", "anon")])
B.table(["tool", "total", "own binary", "shared libraries", "BPF maps mmapped", "anonymous"], brow)
PY
