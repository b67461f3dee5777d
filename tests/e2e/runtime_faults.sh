#!/usr/bin/env bash
# Runtime faults: a probe whose attach fails after others were attached (forced with the test hook
# BPFSCOPE_TEST_FAIL_ATTACH=N, the Nth attach fails) gives one clear error, exit 1, never
# "Attached", and leaves nothing behind; a -p target that exits ends the run like SIGINT (END,
# maps printed, exit 0, no error spam); a -c command that cannot start is a clear error.
source "$(dirname "$0")/lib.sh"

TRACEFS=/sys/kernel/tracing
tracefs_events() {
  local f
  for f in dynamic_events kprobe_events uprobe_events; do
    [ -r "$TRACEFS/$f" ] && { echo "== $f"; cat "$TRACEFS/$f"; }
  done
}
events_before=$(tracefs_events)

# --- attach failure mid-way: the first two probes are attached, the third fails.
prog='tracepoint:syscalls:sys_enter_openat { @a = count(); }
tracepoint:syscalls:sys_enter_close { @b = count(); }
tracepoint:syscalls:sys_enter_read { @c = count(); }
END { printf("end ran\n"); }'
BPFSCOPE_TEST_FAIL_ATTACH=3 bps -e "$prog"
assert_rc "attach failure: exit status 1" 1 "$RC"
assert_match "attach failure: the error names the probe" "$ERR" \
  '^ERROR: cannot attach tracepoint:syscalls:sys_enter_read: injected failure'
assert_eq "attach failure: a single line on stderr" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
assert_not_contains "attach failure: 'Attached' is never printed" "$ERR" "Attached"
assert_eq "attach failure: nothing on stdout" "" "$OUT"
assert_eq "attach failure: tracefs events unchanged" "$events_before" "$(tracefs_events)"

# Every attach position fails cleanly, including the first and the last.
for n in 1 2; do
  BPFSCOPE_TEST_FAIL_ATTACH=$n bps -e "$prog"
  assert_rc "attach failure at #$n: exit status 1" 1 "$RC"
  assert_contains "attach failure at #$n: error" "$ERR" "ERROR: cannot attach"
done
assert_eq "attach failures: tracefs events unchanged" "$events_before" "$(tracefs_events)"

# --- -p PID: the traced process exits while bpfscope runs -> END runs, maps printed, exit 0.
workload_start e2epexit ": < /dev/null; : < /dev/null; exit 0" || finish
bg_start pexit -p "$WL_PID" -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @c = count(); } END { printf(\"end ran\\n\"); }"
if wait_attached pexit; then
  workload_run
  bg_wait pexit 10
  assert_rc "-p target exits: exit status 0" 0 "$RC"
  assert_eq "-p target exits: END runs and the maps are printed" "end ran


@c: 2" "$OUT"
  assert_not_contains "-p target exits: no error" "$ERR" "ERROR"
  assert_eq "-p target exits: only 'Attached' on stderr" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
fi

# -p with a pid that does not exist: a clear error before anything is attached.
bps -p 2147483647 -e 'BEGIN { exit(); }'
assert_nonzero "-p missing pid: error exit" "$RC"
assert_contains "-p missing pid: clear error" "$ERR" "ERROR: -p: no process with pid 2147483647"

# --- -c CMD that cannot start.
bps -c /nonexistent/bpfscope-e2e-cmd -e 'tracepoint:syscalls:sys_enter_openat { @ = count(); }'
assert_nonzero "-c missing command: error exit" "$RC"
assert_match "-c missing command: one clear error naming the command" "$ERR" \
  '^ERROR: -c: .*/nonexistent/bpfscope-e2e-cmd'
assert_not_contains "-c missing command: nothing attached" "$ERR" "Attached"
touch "$TMPD/notexec"
chmod 644 "$TMPD/notexec"
bps -c "$TMPD/notexec" -e 'tracepoint:syscalls:sys_enter_openat { @ = count(); }'
assert_nonzero "-c non-executable: error exit" "$RC"
assert_match "-c non-executable: clear error" "$ERR" '^ERROR: -c: .*notexec'

finish
