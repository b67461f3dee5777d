#!/usr/bin/env bash
# Capabilities: without CAP_BPF/CAP_PERFMON (and CAP_SYS_ADMIN, which covers both) bpfscope stops at
# start-up with one line naming the missing capability, before resolving or loading anything.
# CAP_SYS_ADMIN alone, or CAP_BPF with CAP_PERFMON, is enough. Uses capsh (libcap2-bin).
source "$(dirname "$0")/lib.sh"

command -v capsh >/dev/null || skip "capsh (libcap2-bin) is not installed"

# capsh_run DROP PROGRAM: run bpfscope with DROP removed from the bounding (hence effective) set.
capsh_run() {
  local drop=$1 prog=$2
  timeout -k 5 "$RUN_TIMEOUT" capsh --drop="$drop" -- -c '"$0" -e "$1"' "$BPFSCOPE" "$prog" \
    </dev/null >"$TMPD/last.out" 2>"$TMPD/last.err"
  RC=$?
  OUT=$(cat "$TMPD/last.out")
  ERR=$(cat "$TMPD/last.err")
}

capsh_run cap_bpf,cap_perfmon,cap_sys_admin 'BEGIN { printf("hi\n"); exit(); }'
assert_rc "no capabilities: exit status 1" 1 "$RC"
assert_eq "no capabilities: one line naming what is missing" \
  "ERROR: missing capability CAP_BPF and CAP_PERFMON (bpfscope needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN, to load and attach BPF programs: run it as root)" \
  "$ERR"
assert_eq "no capabilities: nothing on stdout" "" "$OUT"

capsh_run cap_perfmon,cap_sys_admin 'tracepoint:syscalls:sys_enter_openat { @ = count(); }'
assert_rc "no CAP_PERFMON: exit status 1" 1 "$RC"
assert_match "no CAP_PERFMON: names it" "$ERR" '^ERROR: missing capability CAP_PERFMON \('

capsh_run cap_bpf,cap_perfmon 'BEGIN { printf("hi\n"); exit(); }'
assert_rc "CAP_SYS_ADMIN alone: runs" 0 "$RC"
assert_eq "CAP_SYS_ADMIN alone: output" "hi" "$OUT"

capsh_run cap_sys_admin 'BEGIN { printf("hi\n"); exit(); }'
assert_rc "CAP_BPF and CAP_PERFMON without CAP_SYS_ADMIN: runs" 0 "$RC"
assert_eq "CAP_BPF and CAP_PERFMON without CAP_SYS_ADMIN: output" "hi" "$OUT"

finish
