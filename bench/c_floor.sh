#!/usr/bin/env bash
# Keyed counts against a hand-written libbpf C floor (bench/c_floor/), per event, from the
# kernel's bpf_stats as in per_event.sh.
#
# c_floor/count.bpf.c is what a C programmer would write for `@[comm] = count()` and
# `@[pid, comm] = count()` (per-CPU hash of 4,096 keys, lookup, add in place, update only for a
# new key); c_floor/loader.c loads and attaches one of its programs. Both are compiled into
# /tmp (clang-19 -target bpf, libbpf-dev). Each run attaches one tool on
# tracepoint:raw_syscalls:sys_enter, the load makes LOAD_CALLS getppid() calls, and
# run_time_ns / run_cnt of the tool's programs is read before SIGINT; runs alternate between
# the floor and bpfscope, and an empty probe of each gives the floor of bpf_stats itself.
# Target: bpfscope within 1.05x of the C floor. RUNS=N, LOAD_CALLS=N change the defaults.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$@" <<'PY'
import os, shutil, subprocess, sys, time
sys.path.insert(0, os.getcwd())
import benchlib as B

N = B.runs(7)
CALLS = int(os.environ.get("LOAD_CALLS", 1_000_000))
B.require_root()
bpfscope = B.Tool("bpfscope", B.find_bpfscope(), B.BPFSCOPE_READY)
B.build_load()

OBJ, LOADER = "/tmp/bpfscope-bench-cfloor.bpf.o", "/tmp/bpfscope-bench-cfloor"
clang = os.environ.get("CLANG") or shutil.which("clang-19") or shutil.which("clang")
if not clang:
    sys.exit("no clang-19 for bench/c_floor/count.bpf.c")
arch_inc = f"/usr/include/{subprocess.run(['gcc', '-print-multiarch'], capture_output=True, text=True).stdout.strip() or 'x86_64-linux-gnu'}"
subprocess.run([clang, "-O2", "-g", "-target", "bpf", "-I", arch_inc, "-c",
                "c_floor/count.bpf.c", "-o", OBJ], check=True)
subprocess.run([os.environ.get("CC") or "cc", "-O2", "-o", LOADER, "c_floor/loader.c", "-lbpf"],
               check=True)


class Floor(B.Tool):
    """The C loader: `script` names the program in count.bpf.o."""

    def argv(self, script, extra=()):
        return [LOADER, OBJ, script]


floor = Floor("C floor", LOADER, "Attached ")
TP = "tracepoint:raw_syscalls:sys_enter"
CASES = [  # label, bpfscope script, C program (None: the empty probe, bpfscope's)
    ("(empty probe)", TP + " { }", None),
    ("@[comm] = count()", TP + " { @[comm] = count(); }", "count_comm"),
    ("@[pid, comm] = count()", TP + " { @[pid, comm] = count(); }", "count_pid_comm"),
]


def one(tool, script):
    r = B.Run(tool, script)
    try:
        r.wait_ready(probes=1)
        time.sleep(0.05)
        load = B.Load(CALLS)
        load.release()
        load.wait()
        stats = B.bpf_prog_stats(r.pid)
    except Exception:
        r.kill()
        raise
    r.interrupt()
    r.finish(resend_int=2, kill_after=3)
    ns = sum(p["run_time_ns"] for p in stats.values())
    cnt = sum(p["run_cnt"] for p in stats.values())
    return ns / cnt if cnt else None


B.header("Keyed counts against a hand-written libbpf C floor (kernel bpf_stats)", [bpfscope], N)
print(f"C floor: bench/c_floor/count.bpf.c built with {clang}; load: {CALLS:,} getppid() calls "
      f"per run; event: {TP}")
print()
res = {}
with B.BpfStats():
    one(bpfscope, CASES[1][1])                     # warm-up, not counted
    one(floor, CASES[1][2])
    for i in range(N):
        for label, script, prog in CASES:
            res.setdefault((label, "bpfscope"), []).append(one(bpfscope, script))
            if prog:
                res.setdefault((label, "floor"), []).append(one(floor, prog))

empty = B.median(res[(CASES[0][0], "bpfscope")])
rows = []
for label, _, prog in CASES:
    ours = B.median(res[(label, "bpfscope")])
    if not prog:
        rows.append([label, B.fmt(ours), "-", "-", "-"])
        continue
    c = B.median(res[(label, "floor")])
    rows.append([label, B.fmt(ours), B.fmt(c), B.ratio(ours, c),
                 B.ratio(ours - empty, c - empty) if c > empty else "-"])
B.table(["script", "bpfscope ns/event", "C floor ns/event", "ratio", "ratio above the empty probe"],
        rows)
print()
print("target: ratio <= 1.05x (bpfscope / hand-written C)")
PY
