#!/usr/bin/env bash
# debugf(): bpf_trace_printk's lines, read back from tracefs' trace_pipe while a workload this test
# starts fires the probe. The test runs in a mount namespace of its own with tracefs unmounted
# there, so the trace_pipe it reads is the one bpfscope itself mounted (no earlier run's mount).
if [ -z "${DEBUGF_PRIVATE_MOUNTS:-}" ]; then
  exec env DEBUGF_PRIVATE_MOUNTS=1 unshare --mount --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"

TRACEFS=/sys/kernel/tracing
for mnt in /sys/kernel/debug/tracing "$TRACEFS"; do
  while mountpoint -q "$mnt"; do umount "$mnt" || break; done
done
if mountpoint -q "$TRACEFS"; then
  fail "cannot unmount tracefs in the test's mount namespace"
  finish
fi
pass "tracefs is not mounted before bpfscope runs"

# Lines are dropped while tracing is off: switch it on for the test and put it back afterwards.
# (tracing_on is global, not per mount namespace; mount a private view just to read it.)
CTL=$TMPD/tracefs-ctl
mkdir -p "$CTL"
mount -t tracefs nodev "$CTL"
OLD_TRACING_ON=$(cat "$CTL/tracing_on")
echo 1 >"$CTL/tracing_on"
umount "$CTL"
restore_tracing() {
  mount -t tracefs nodev "$CTL" 2>/dev/null && echo "$OLD_TRACING_ON" >"$CTL/tracing_on"
  umount "$CTL" 2>/dev/null
}
trap 'restore_tracing; _e2e_cleanup' EXIT

workload_start debugfwl 'kill -0 $$; true' || finish
bg_start debugf -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  debugf(\"bpfscope-e2e pid %d comm %s neg %d\", pid, comm, -3);
  exit();
}"
if wait_attached debugf; then
  if mountpoint -q "$TRACEFS"; then
    pass "bpfscope mounted tracefs for debugf()"
  else
    fail "tracefs is not mounted at $TRACEFS after bpfscope attached"
  fi
  cat "$TRACEFS/trace_pipe" >"$TMPD/pipe" &
  PIPE_PID=$!
  EXTRA_PIDS+=("$PIPE_PID")
  workload_run
  bg_wait debugf 10
  assert_rc "debugf run exits by itself" 0 "$RC"
  assert_contains "the warning v0.26 prints for debugf()" "$ERR" \
    "WARNING: The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7)."
  for ((i = 0; i < 300; i++)); do
    grep -q "bpfscope-e2e pid $WL_PID " "$TMPD/pipe" && break
    sleep 0.01
  done
  kill "$PIPE_PID" 2>/dev/null
  LINE=$(grep "bpfscope-e2e pid $WL_PID " "$TMPD/pipe" | sed 's/.*bpf_trace_printk: //')
  assert_eq "the trace_pipe line the kernel formatted" \
    "bpfscope-e2e pid $WL_PID comm debugfwl neg -3" "$LINE"
fi

# Refused formats name the reason as v0.26 does.
bps -e 'BEGIN { debugf("%d %d %d %d", 1, 2, 3, 4); }'
assert_contains "more than three arguments" "$ERR" "cannot use more than 3 conversion specifiers"
bps -e 'BEGIN { debugf("%c", 65); }'
assert_contains "a conversion bpf_trace_printk lacks" "$ERR" 'Invalid format specifier for `debugf`: c'
bps -e 'BEGIN { debugf("%d", "text"); }'
assert_contains "a string for %d" "$ERR" "Type does not match format specifier: d"

finish
