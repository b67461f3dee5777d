#!/usr/bin/env bash
# Wildcard kprobes expand over available_filter_functions (the kprobe blacklist left out), and
# -l lists kprobe, fentry and rawtracepoint probes of the guest kernel.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=5
echo data >"$TMPD/file"
open_workload "$TMPD/file" $N "$TMPD/missing" 0 || finish
bg_start wild -e "kprobe:do_sys_open* /pid == $WL_PID/ { @[func, probe] = count(); }
$READY_PROBE"
if wait_ready wild; then
  workload_run
  bg_stop wild INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_contains "do_sys_openat2 fires once per call, func and probe name it" "$OUT" \
    "@[do_sys_openat2, kprobe:do_sys_openat2]: $N"
  # (do_sys_open, on the openat path too unless inlined, fires as often)
  others=$(printf '%s\n' "$OUT" | grep '^@' | grep -v ": $N\$")
  assert_eq "every function matched counts each call once" "" "$others"
  assert_match "the wildcard matched several functions" "$(cat "$TMPD/wild.err")" \
    '^Attached ([3-9]|[1-9][0-9]+) probes'
fi

bps -l 'kprobe:do_sys_open*'
assert_contains "-l lists kprobes" "$OUT" "kprobe:do_sys_openat2"
assert_contains "-l lists every match" "$OUT" "kprobe:do_sys_open"
# A function ftrace could trace but kprobes must not touch.
blacklisted=$(comm -12 <(awk '{ print $2 }' /sys/kernel/debug/kprobes/blacklist | sort -u) \
  <(awk '{ print $1 }' /sys/kernel/tracing/available_filter_functions | sort -u) | head -1)
if [ -n "$blacklisted" ]; then
  bps -l "kprobe:$blacklisted"
  assert_eq "-l leaves blacklisted functions ($blacklisted) out" "" "$OUT"
  bps -e "kprobe:$blacklisted { }"
  assert_contains "a blacklisted function is refused up front" "$ERR" "kprobe blacklist"
fi
bps -l 'fentry:do_sys_openat*'
assert_eq "-l lists fentry probes from BTF" "fentry:do_sys_openat2" "$OUT"
bps -l 'rawtracepoint:sched_switc*'
assert_eq "-l lists raw tracepoints" "rawtracepoint:sched_switch" "$OUT"
finish
