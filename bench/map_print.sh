#!/usr/bin/env bash
# Printing a large map at exit: time from SIGINT to exit, and peak RSS.
#
#   tracepoint:syscalls:sys_enter_getppid { @[rand] = count(); }
# fed by the load (bench/load.c) making LOAD_CALLS getppid() calls: rand is new
# for each event, so the map fills up to its size limit. Both tools default to
# 4096 keys, so both print 4096 keys. For the 1 M-key target both are also run
# with a 1,048,576-key limit (bpfscope: BPFSCOPE_MAX_MAP_KEYS, bpftrace 0.17:
# BPFTRACE_MAP_KEYS_MAX) fed 1.2 M calls (RUNS_1M runs; BIG=0 skips it). The tool runs under GNU time (peak RSS); output goes to a file
# whose "@[" lines are counted. RUNS=N and LOAD_CALLS=N change the defaults.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import os, sys, time
sys.path.insert(0, os.getcwd())
import benchlib as B

N = B.runs(5)
N_1M = max(1, int(os.environ.get("RUNS_1M", 3)))
BIG = os.environ.get("BIG", "1") != "0"
CALLS = int(os.environ.get("LOAD_CALLS", 200_000))
SCRIPT = "tracepoint:syscalls:sys_enter_getppid { @[rand] = count(); }"
OUT = f"/tmp/bpfscope-bench-map.{os.getpid()}"
tools = B.tools()
B.build_load()

def one(tool, calls):
    with open(OUT, "wb") as out:
        r = B.Run(tool, SCRIPT, stdout=out, rss=True)
    try:
        r.wait_ready(probes=1)
        time.sleep(0.05)
        load = B.Load(calls)
        load.release()
        load.wait()
        time.sleep(0.05)
    except Exception:
        r.kill()
        raise
    t_int = r.interrupt()
    t_exit = r.finish(resend_int=None if tool.name == "bpfscope" else 30)
    if r.returncode not in (0, None):
        raise RuntimeError(f"{tool.name} exited with {r.returncode}: {r.stderr_text()}")
    with open(OUT, "rb") as f:
        keys = sum(1 for line in f if line.startswith(b"@["))
    os.unlink(OUT)
    return t_exit - t_int, r.peak_rss_kib(), keys

cases = [(t, f"{t.name}", CALLS) for t in tools]
big = []
if BIG:
    big.append(B.Tool("bpfscope", tools[0].path, tools[0].ready_marker,
                      {"BPFSCOPE_MAX_MAP_KEYS": "1048576"}))
    if len(tools) > 1:
        big.append(B.Tool("bpftrace", tools[1].path, B.BPFTRACE_READY,
                          {B.BPFTRACE_READY: "1", "BPFTRACE_MAP_KEYS_MAX": "1048576"}))

B.header("Map printing at exit", tools, N)
print(f"script: {SCRIPT}")
print()
res = {}
for t in tools:                                   # warm-up, not counted
    one(t, 20_000)
for i in range(N):
    for t, label, calls in cases:
        res.setdefault(label, []).append(one(t, calls))
for i in range(N_1M):
    for t in big:
        res.setdefault("big-" + t.name, []).append(one(t, 1_200_000))

headers = ["tool", "map key limit", "events", "keys printed", "SIGINT to exit ms",
           "peak RSS MiB", "runs"]
rows = []
for t, label, calls in cases:
    rs = res[label]
    rows.append([t.name, "4,096 (default)", B.fmt(calls), B.fmt(int(B.median([r[2] for r in rs]))),
                 B.fmt(B.median([r[0] for r in rs]) * 1000), B.fmt(B.mib(B.median([r[1] for r in rs]))),
                 str(len(rs))])
for t in big:
    rs = res["big-" + t.name]
    var = "BPFSCOPE_MAX_MAP_KEYS" if t.name == "bpfscope" else "BPFTRACE_MAP_KEYS_MAX"
    rows.append([t.name, f"1,048,576 ({var})", B.fmt(1_200_000),
                 B.fmt(int(B.median([r[2] for r in rs]))),
                 B.fmt(B.median([r[0] for r in rs]) * 1000), B.fmt(B.mib(B.median([r[1] for r in rs]))),
                 str(len(rs))])
B.table(headers, rows)
print()
if len(tools) > 1:
    a, b = res[cases[0][1]], res[cases[1][1]]
    print(f"4,096 keys, bpfscope / bpftrace: SIGINT to exit "
          f"{B.ratio(B.median([r[0] for r in a]), B.median([r[0] for r in b]))}, peak RSS "
          f"{B.ratio(B.median([r[1] for r in a]), B.median([r[1] for r in b]))}")
print("target for 1 M keys: SIGINT to exit <= 1,000 ms, peak RSS <= 150 MiB")
print(B.rss_note())
PY
