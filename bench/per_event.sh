#!/usr/bin/env bash
# Per-event cost of the BPF programs, from the kernel's own statistics.
#
# kernel.bpf_stats_enabled=1 makes the kernel add each program's run time and
# run count to run_time_ns / run_cnt in /proc/<pid>/fdinfo/<fd> of every fd that
# refers to it (restored to its old value at the end). For each script, each tool
# is started on tracepoint:raw_syscalls:sys_enter, and once it is attached a load
# program (bench/load.c, compiled into /tmp) makes LOAD_CALLS getppid() calls; the
# statistics are read just before the tool gets SIGINT. ns/event =
# run_time_ns / run_cnt over the tool's programs (every system call on the machine
# is an event, not only the load's). The load's own ns per call is shown too: it
# includes the tracepoint dispatch and, for printf, the consumer competing for the
# 2 CPUs. Output goes to /dev/null. RUNS=N and LOAD_CALLS=N (default 1,000,000)
# change the defaults. The first row, an empty probe, is the floor every figure includes.
# A tool still running 3 s after SIGINT is SIGKILLed (its figures are already read)
# and a note says so: unfiltered printf on sys_enter feeds itself (each line written
# is a write() and so another event), and bpfscope's ring buffer loop then never
# returns to look at its stop flag.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import os, sys, time
sys.path.insert(0, os.getcwd())
import benchlib as B

N = B.runs(5)
CALLS = int(os.environ.get("LOAD_CALLS", 1_000_000))
tools = B.tools()
B.build_load()

TP = "tracepoint:raw_syscalls:sys_enter"
SCRIPTS = [
    # The floor: what the kernel's bpf_stats count for a program that does nothing (two clock
    # reads and the call), the same for every tool; the other rows include it.
    ("(empty probe)", TP + " { }"),
    ("@ = count()", TP + " { @ = count(); }"),
    ("@s = sum(args->id)", TP + " { @s = sum(args->id); }"),
    ("@[comm] = count()", TP + " { @[comm] = count(); }"),
    ("@[pid, comm] = count()", TP + " { @[pid, comm] = count(); }"),
    ("@h = hist(args->id)", TP + " { @h = hist(args->id); }"),
    ('printf("%d %d\\n", pid, args->id)', TP + ' { printf("%d %d\\n", pid, args->id); }'),
    # max_strlen-sized strings (1024 bytes by default, in the scratch map): the string at the
    # task's address is short (its first bytes hold a NUL), but its buffer is zeroed and copied
    # whole and, as a map key, hashed whole.
    ("@[str(curtask)] = count()", TP + " { @[str(curtask)] = count(); }"),
    ('printf("%s\\n", str(curtask))', TP + ' { printf("%s\\n", str(curtask)); }'),
]

def load_run():
    load = B.Load(CALLS)
    load.release()
    return load.wait()

def one(tool, script):
    r = B.Run(tool, script)
    try:
        r.wait_ready(probes=1)
        time.sleep(0.05)
        secs = load_run()
        stats = B.bpf_prog_stats(r.pid)
    except Exception:
        r.kill()
        raise
    r.interrupt()
    r.finish(resend_int=2, kill_after=3)
    if r.killed:
        killed.add((tool.name, script))
    elif r.returncode not in (0, None):
        raise RuntimeError(f"{tool.name} exited with {r.returncode}: {r.stderr_text()}")
    ns = sum(p["run_time_ns"] for p in stats.values())
    cnt = sum(p["run_cnt"] for p in stats.values())
    return (ns / cnt if cnt else None), cnt, secs * 1e9 / CALLS

killed = set()
B.header("Per-event cost (kernel bpf_stats)", tools, N)
print(f"load: {CALLS:,} getppid() calls per run; event: {TP}")
print()
res = {}
with B.BpfStats():
    base = []
    for t in tools:                          # warm-up, not counted
        one(t, SCRIPTS[0][1])
    for label, script in SCRIPTS:
        for i in range(N):
            base.append(load_run())
            for t in tools:
                res.setdefault((label, t.name), []).append(one(t, script))
base_ns = B.median(base) * 1e9 / CALLS

headers = ["script"]
for t in tools:
    headers += [f"{t.name} ns/event", f"{t.name} load ns/call"]
if len(tools) > 1:
    headers += ["ns/event ratio", "ratio above the empty probe"]
floor = [B.median([r[0] for r in res[(SCRIPTS[0][0], t.name)]]) for t in tools]
rows = []
for label, _ in SCRIPTS:
    row = [label]
    per = []
    for t in tools:
        rs = res[(label, t.name)]
        ev = B.median([r[0] for r in rs])
        call = B.median([r[2] for r in rs])
        per.append(ev)
        row += [B.fmt(ev), B.fmt(call)]
    if len(tools) > 1:
        row.append(B.ratio(per[0], per[1]))
        above = [p - f for p, f in zip(per, floor)]
        row.append(B.ratio(above[0], above[1]) if label != SCRIPTS[0][0] and above[1] > 0 else "-")
    rows.append(row)
B.table(headers, rows)
print()
print(f"load ns/call with no tracer: {base_ns:.1f}")
if len(tools) > 1:
    print("ratio = bpfscope / bpftrace (below 1: bpfscope's programs are cheaper); above the empty")
    print("probe: the same ratio after taking each tool's empty-probe figure off both")
for name, script in sorted(killed):
    print(f"NOTE: {name} did not exit within 3 s of SIGINT with: {script}  (SIGKILLed)")
cnts = [r[1] for v in res.values() for r in v]
print(f"events per run (run_cnt): {min(cnts):,} to {max(cnts):,}")
PY
