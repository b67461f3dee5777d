#!/usr/bin/env bash
# Run limits: max_probes (BPFTRACE_MAX_PROBES, default 1024) and max_bpf_progs
# (BPFTRACE_MAX_BPF_PROGS, default 1024) refuse a program that would exceed them, with bpftrace's
# error at the attach points, the count, the limit and how to raise it, before anything is
# loaded; a wildcard within the limits says how many probes it attached.
source "$(dirname "$0")/lib.sh"

EVENTS=/sys/kernel/tracing/available_events
[ -r "$EVENTS" ] || EVENTS=/sys/kernel/debug/tracing/available_events
n_enter=$(grep -c '^syscalls:sys_enter_' "$EVENTS")
[ "$n_enter" -gt 10 ] || skip "fewer than 10 syscall entry tracepoints on this kernel"

# --- max_probes
BPFTRACE_MAX_PROBES=5 bps -e 'tracepoint:syscalls:sys_enter_* {}'
assert_rc "max_probes=5: exit status 1" 1 "$RC"
assert_eq "max_probes=5: bpftrace's error at the wildcard, and how to raise the limit" \
  "stdin:1:1-32: ERROR: Can't attach to $n_enter probes because it exceeds the current limit of 5 probes.
tracepoint:syscalls:sys_enter_* {}
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: You can increase the limit through the BPFTRACE_MAX_PROBES environment variable (max_probes), but be careful: a high number of probes attached can make the system unresponsive." "$ERR"
assert_eq "max_probes=5: nothing on stdout" "" "$OUT"

# BPFSCOPE_MAX_PROBES wins over BPFTRACE_MAX_PROBES; BEGIN and END count as probes.
BPFSCOPE_MAX_PROBES=2 BPFTRACE_MAX_PROBES=100 bps -e 'BEGIN { exit(); } END {}
tracepoint:syscalls:sys_enter_close {}'
assert_rc "BPFSCOPE_MAX_PROBES=2, three probes: exit status 1" 1 "$RC"
assert_contains "BPFSCOPE_MAX_PROBES=2: the limit named" "$ERR" \
  "stdin:2:1-36: ERROR: Can't attach to 3 probes because it exceeds the current limit of 2 probes."

# Exactly at the limit: runs.
BPFTRACE_MAX_PROBES=3 bps -e 'BEGIN { exit(); } END {}
tracepoint:syscalls:sys_enter_close {}'
assert_rc "max_probes=3, three probes: runs" 0 "$RC"
assert_contains "max_probes=3: attached" "$ERR" "Attached 3 probes"

BPFTRACE_MAX_PROBES=lots bps -e 'BEGIN { exit(); }'
assert_rc "max_probes=lots: exit status 1" 1 "$RC"
assert_match "max_probes=lots: a clear error naming the variable and the value" "$ERR" \
  "^ERROR: BPFTRACE_MAX_PROBES: .*'lots'"

# The script's config block sets the same limits.
bps -e 'config = { max_probes = 2 }
BEGIN { exit(); } END {}
tracepoint:syscalls:sys_enter_close {}'
assert_rc "config max_probes = 2, three probes: exit status 1" 1 "$RC"
assert_contains "config max_probes = 2: the limit named" "$ERR" \
  "stdin:3:1-36: ERROR: Can't attach to 3 probes because it exceeds the current limit of 2 probes."
bps -e 'config = { max_bpf_progs = 1 }
BEGIN { exit(); } END {}'
assert_rc "config max_bpf_progs = 1, two programs: exit status 1" 1 "$RC"
assert_contains "config max_bpf_progs = 1: the limit named" "$ERR" \
  "Your program is trying to generate 2 BPF programs, which exceeds the current limit of 1."

# --- max_bpf_progs: probe bodies that use `probe` get one program per target.
BPFTRACE_MAX_BPF_PROGS=2 bps -e 'BEGIN {}
tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_enter_dup { @[probe] = count(); }'
assert_rc "max_bpf_progs=2: exit status 1" 1 "$RC"
assert_eq "max_bpf_progs=2: bpftrace's error and how to raise the limit" \
  "stdin:2:1-70: ERROR: Your program is trying to generate 3 BPF programs, which exceeds the current limit of 2.
tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_enter_dup { @[probe] = count(); }
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: You can increase the limit through the BPFTRACE_MAX_BPF_PROGS environment variable (max_bpf_progs)." "$ERR"

# A wildcard whose targets share one program stays within max_bpf_progs=1.
BPFTRACE_MAX_BPF_PROGS=1 bps --dry-run -e 'tracepoint:syscalls:sys_enter_* { @ = count(); }'
assert_rc "max_bpf_progs=1, one shared program for $n_enter tracepoints: loads" 0 "$RC"

# --- The default max_probes is 1024: every tracepoint of the kernel is more.
n_all=$(grep -c . "$EVENTS")
if [ "$n_all" -gt 1024 ]; then
  bps -e 'tracepoint:*:* { @ = count(); }'
  assert_rc "tracepoint:*:* ($n_all): exit status 1" 1 "$RC"
  assert_contains "tracepoint:*:*: refused by the default limit, with the count" "$ERR" \
    "stdin:1:1-15: ERROR: Can't attach to $n_all probes because it exceeds the current limit of 1024 probes."
fi

# --- Within the default limits, every matching tracepoint is attached and counted.
bps -e 'tracepoint:syscalls:sys_enter_* { @ = count(); } interval:ms:200 { exit(); }'
assert_rc "sys_enter_*: exit status 0" 0 "$RC"
assert_contains "sys_enter_*: says how many it attached" "$ERR" "Attached $((n_enter + 1)) probes"

finish
