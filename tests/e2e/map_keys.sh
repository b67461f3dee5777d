#!/usr/bin/env bash
# Map size limits from the environment: 4096 keys by default, BPFSCOPE_MAX_MAP_KEYS /
# BPFTRACE_MAX_MAP_KEYS / BPFTRACE_MAP_KEYS_MAX raise it, a bad value is an error. A child makes
# 10,000 getppid() calls, each storing a new random key; every key stored is printed at exit
# (read with batched lookups). Python itself makes a few more calls while it starts.
source "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed for the workload"
CHILD='python3 -c "import os
for _ in range(10000): os.getppid()"'
PROG='tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[rand] = count(); }'

keys_printed() { grep -c '^@\[' "$TMPD/last.out"; }

bps -c "$CHILD" -e "$PROG"
assert_rc "default limit: exits 0" 0 "$RC"
assert_eq "default limit: 4096 keys" "4096" "$(keys_printed)"

BPFSCOPE_MAX_MAP_KEYS=20000 bps -c "$CHILD" -e "$PROG"
assert_rc "BPFSCOPE_MAX_MAP_KEYS: exits 0" 0 "$RC"
N=$(keys_printed)
if [ "$N" -ge 9990 ] && [ "$N" -le 10100 ]; then
  pass "BPFSCOPE_MAX_MAP_KEYS=20000: every key printed ($N)"
else
  fail "BPFSCOPE_MAX_MAP_KEYS=20000: $N keys printed, expected about 10000" "$ERR"
fi

BPFTRACE_MAX_MAP_KEYS=6000 bps -c "$CHILD" -e "$PROG"
assert_eq "BPFTRACE_MAX_MAP_KEYS=6000: 6000 keys" "6000" "$(keys_printed)"

BPFTRACE_MAP_KEYS_MAX=5000 bps -c "$CHILD" -e "$PROG"
assert_eq "BPFTRACE_MAP_KEYS_MAX=5000: 5000 keys" "5000" "$(keys_printed)"

BPFSCOPE_MAX_MAP_KEYS=lots bps -e 'BEGIN { exit(); }'
assert_rc "a bad value is an error" 1 "$RC"
assert_contains "naming the variable" "$ERR" "BPFSCOPE_MAX_MAP_KEYS"

finish
