#!/usr/bin/env bash
# Tracepoints count exactly: bpfscope runs in the background, the test waits for "Attached" on its
# stderr, runs a workload it controls (a stopped copy of bash named "e2eopen" that opens a file
# exactly N times with `: < file`, and fails to open a missing one M times), then sends SIGINT.
# The map printed at exit must hold the exact counts under the workload's comm, and bpfscope must
# exit 0.
source "$(dirname "$0")/lib.sh"

N=17
M=5
echo data >"$TMPD/file"
WORK="for ((i = 0; i < $N; i++)); do : < '$TMPD/file'; done
for ((i = 0; i < $M; i++)); do : 2>/dev/null < '$TMPD/missing'; done
exit 0"

# 1. @[comm] = count() filtered on the workload's pid.
workload_start e2eopen "$WORK" || finish
bg_start count -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @[comm] = count(); }"
if wait_attached count; then
  assert_match "'Attached 1 probe' on stderr" "$(cat "$TMPD/count.err")" '^Attached 1 probe'
  workload_run
  assert_rc "the workload ran to its end" 0 "$WL_RC"
  bg_stop count INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  # 2 opens of the redirection 2>/dev/null are per iteration of the second loop: N + 2*M in all.
  assert_eq "@[comm] counts every openat of the workload, and only those" "

@[e2eopen]: $((N + 2 * M))" "$OUT"
fi

# 2. Same workload filtered by comm instead of pid, keyed by (comm, pid), and the exit tracepoint's
#    args.ret telling the failures apart.
workload_start e2eopen "$WORK" || finish
bg_start keyed -e "tracepoint:syscalls:sys_enter_openat /comm == \"e2eopen\"/ { @opens[comm, pid] = count(); }
tracepoint:syscalls:sys_exit_openat /comm == \"e2eopen\" && args.ret < 0/ { @failed = count(); }
tracepoint:syscalls:sys_exit_openat /comm == \"e2eopen\" && args.ret >= 0/ { @ok = count(); }"
if wait_attached keyed; then
  assert_match "'Attached 3 probes' on stderr" "$(cat "$TMPD/keyed.err")" '^Attached 3 probes'
  workload_run
  bg_stop keyed INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "counts by (comm, pid) and by the sign of args.ret, sorted by value" "

@failed: $M
@ok: $((N + M))
@opens[e2eopen, $WL_PID]: $((N + 2 * M))" "$OUT"
fi

# 3. "Attached N probes" is the signal that tracing has started (these tests, and users, start the
#    workload on it): when it is printed, all N must already be attached. With a wildcard over
#    many syscall entries attaching takes long enough to catch a premature message (not every
#    time: how long depends on the machine's load): count the perf events bpfscope holds (one per
#    attached tracepoint) at that moment. Closing each tracepoint's perf event waits for an RCU
#    grace period in the kernel, so this run needs a few seconds to end.
bg_start wide -e 'tracepoint:syscalls:sys_enter_[a-f]* { @ = count(); }'
if wait_attached wide; then
  n_msg=$(sed -n 's/^Attached \([0-9]*\) probes*$/\1/p' "$TMPD/wide.err")
  n_now=$(for l in /proc/"$BG_PID"/fd/*; do readlink "$l"; done 2>/dev/null | grep -c 'perf_event')
  assert_eq "when 'Attached $n_msg probes' is printed, all $n_msg tracepoints are attached" \
    "$n_msg" "$n_now"
  kill -INT "$BG_PID"
  bg_wait wide 60
  assert_rc "wildcard over $n_msg syscall entries exits 0 on SIGINT" 0 "$RC"
fi

# 4. Nothing of the workload is counted when the filter excludes it (pid of a process that exists
#    but does not open anything): the map is empty, so nothing but the two blank lines is printed.
sleep 30 &
IDLE=$!
EXTRA_PIDS+=("$IDLE")
workload_start e2eopen "$WORK" || finish
bg_start none -e "tracepoint:syscalls:sys_enter_openat /pid == $IDLE/ { @[comm] = count(); }"
if wait_attached none; then
  workload_run
  bg_stop none INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "a filter that matches nothing leaves the map empty (stdout is just the two newlines)" \
    "$(printf '\n\n' | od -c)" "$(od -c <"$TMPD/none.out")"
fi
kill "$IDLE" 2>/dev/null

finish
