#!/usr/bin/env bash
# Output throughput: printf on every event, flat out, into a file.
#
# The load (bench/load.c) is started first, blocked in read(), so its pid can go
# into the script:  tracepoint:raw_syscalls:sys_enter /pid == PID/ { printf(...) }
# Once the tool is attached the load is released and makes exactly C getppid()
# calls and one exit_group(): C + 1 events, so as many lines are expected.
# C is LOAD_CALLS (default 1,000,000) for bpfscope, enough to run well past what
# its 8 MiB ring buffer can absorb, and BPFTRACE_LOAD_CALLS (default 200,000) for
# bpftrace: bpftrace 0.17's perf buffer wakes its reader on every event, which
# slows the traced process to some 50,000 calls/s, so 1 M calls would take 20 s
# per run. Rates are per second, so the two stay comparable. The tool's stdout goes to a file, whose size is polled every 2 ms; the
# delivery time runs from the release to the last growth of the file.
#   offered/s   = events / time the load ran
#   lines/s     = lines in the file / delivery time
#   lost %      = (expected - lines) / expected; "Lost N" is what the tool itself
#                 reported ("Lost N events" on stderr or in the output)
# Both tools run with their default line buffering and with -B full.
# RUNS=N, LOAD_CALLS=N and BPFTRACE_LOAD_CALLS=N change the defaults.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import os, re, sys, time
sys.path.insert(0, os.getcwd())
import benchlib as B

N = B.runs(5)
CALLS = {"bpfscope": int(os.environ.get("LOAD_CALLS", 1_000_000)),
         "bpftrace": int(os.environ.get("BPFTRACE_LOAD_CALLS", 200_000))}
tools = B.tools()
B.build_load()
OUT = f"/tmp/bpfscope-bench-output.{os.getpid()}"
MODES = [("line (default)", ()), ("-B full", ("-B", "full"))]

def one(tool, extra, calls=None):
    calls = calls or CALLS[tool.name]
    expected = calls + 1
    load = B.Load(calls)
    script = ("tracepoint:raw_syscalls:sys_enter /pid == %d/ "
              "{ printf(\"%%d %%d\\n\", pid, args->id); }" % load.pid)
    with open(OUT, "wb") as out:
        r = B.Run(tool, script, extra, stdout=out)
    try:
        r.wait_ready(probes=1)
        time.sleep(0.05)
        load.release()
        t_last, size, load_secs = load.t_release, 0, None
        while True:
            time.sleep(0.002)
            now = time.perf_counter()
            if load_secs is None and load.proc.poll() is not None:
                load_secs = now - load.t_release   # within the 2 ms poll
            s = os.stat(OUT).st_size
            if s != size:
                size, t_last = s, now
            elif load_secs is not None and now - t_last > 0.5:
                break
    except Exception:
        r.kill()
        load.proc.kill()
        raise
    r.interrupt()
    r.finish(resend_int=2, kill_after=10)
    prefix = f"{load.pid} ".encode()
    lines, lost = 0, 0
    with open(OUT, "rb") as f:
        for line in f:
            if line.startswith(prefix):
                lines += 1
            else:
                m = re.search(rb"Lost (\d+) events", line)
                if m:
                    lost += int(m.group(1))
    for m in re.finditer(r"Lost (\d+) events", r.stderr_text()):
        lost += int(m.group(1))
    os.unlink(OUT)
    return {
        "offered": expected / load_secs,
        "expected": expected,
        "rate": lines / (t_last - load.t_release),
        "lines": lines,
        "lost_pct": 100.0 * (expected - lines) / expected,
        "reported": lost,
        "killed": r.killed,
    }

B.header("Output rate (printf per event into a file)", tools, N)
print("load: getppid() calls in a loop; events: sys_enter of the load's pid, "
      "calls + 1 expected per run")
print()
res = {}
for t in tools:                                # warm-up, not counted
    one(t, (), 100_000)
for i in range(N):
    for mode, extra in MODES:
        for t in tools:
            res.setdefault((mode, t.name), []).append(one(t, extra))

headers = ["tool", "buffering", "events", "offered events/s", "lines/s delivered", "lines", "lost %",
           "tool reported Lost"]
rows = []
for mode, _ in MODES:
    for t in tools:
        rs = res[(mode, t.name)]
        med = lambda k: B.median([r[k] for r in rs])
        rows.append([t.name, mode, B.fmt(int(med("expected"))), B.fmt(int(med("offered"))), B.fmt(int(med("rate"))),
                     B.fmt(int(med("lines"))), B.fmt(med("lost_pct"), prec=2),
                     B.fmt(int(med("reported")))])
B.table(headers, rows)
if len(tools) > 1:
    print()
    for mode, _ in MODES:
        a = B.median([r["rate"] for r in res[(mode, "bpfscope")]])
        b = B.median([r["rate"] for r in res[(mode, "bpftrace")]])
        print(f"lines/s ratio bpfscope / bpftrace, {mode}: {B.ratio(a, b)} (above 1: bpfscope delivers more)")
for t in tools:
    rs = [r for mode, _ in MODES for r in res[(mode, t.name)]]
    exact = sum(1 for r in rs if r["lines"] + r["reported"] == r["expected"])
    print(f"{t.name}: lines + reported Lost = events in {exact} of {len(rs)} runs")
killed = sorted({(name, mode) for (mode, name), rs in res.items() for r in rs if r["killed"]})
for name, mode in killed:
    print(f"NOTE: {name} ({mode}) did not exit within 10 s of SIGINT (SIGKILLed)")
PY
