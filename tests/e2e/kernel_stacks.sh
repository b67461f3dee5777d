#!/usr/bin/env bash
# kstack as a map key under profile:hz:99, in bpftrace's three formats, and ksym()/kaddr() from
# /proc/kallsyms. A workload keeps the CPUs busy in the kernel (reads from /dev/zero) so that
# the samples hold kernel stacks.
source "$(dirname "$0")/lib.sh"

dd if=/dev/zero of=/dev/null bs=64k count=400000 2>/dev/null &
BUSY=$!
EXTRA_PIDS+=("$BUSY")

bps -e 'profile:hz:99 { @[kstack] = count(); } interval:ms:700 { exit(); }'
assert_rc "kstack as a map key" 0 "$RC"
body=$(printf '%s\n' "$OUT" | grep -v '^$')
assert_match "a key opens with '@['" "$body" '^@\[$'
assert_match "frames are 'function+offset', indented by 8 spaces" "$body" \
  '^        [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+$'
assert_match "a key closes with ']: COUNT'" "$body" '^\]: [0-9]+$'
# (`@[]: N` counts the samples taken in user mode, which have no kernel stack, as in bpftrace)
bad=$(printf '%s\n' "$body" | grep -Ev '^(@\[|        [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+|\]: [0-9]+|@\[\]: [0-9]+)$')
assert_eq "nothing else is printed" "" "$bad"

bps -e 'profile:hz:99 { @[kstack(perf, 3)] = count(); } interval:ms:500 { exit(); }'
assert_rc "kstack(perf, 3)" 0 "$RC"
assert_match "perf format: a tab, the address in hex, the symbol" "$OUT" \
  $'^\t[0-9a-f]{16} [A-Za-z_][A-Za-z0-9_.]*\\+[0-9]+$'
deepest=$(printf '%s\n' "$OUT" | awk '/^@\[/ { n = 0; next } /^\t/ { n++ } /^\]/ { if (n > m) m = n } END { print m + 0 }')
assert_eq "at most 3 frames per stack" 3 "$deepest"

bps -e 'profile:hz:99 { @[kstack(raw, 2)] = count(); } interval:ms:500 { exit(); }'
assert_rc "kstack(raw, 2)" 0 "$RC"
assert_match "raw format: bare hex addresses" "$OUT" '^[0-9a-f]{16}$'

kill "$BUSY" 2>/dev/null

addr=$(awk '$3 == "vfs_read" { print $1; exit }' /proc/kallsyms)
bps -e 'BEGIN { printf("%s|%s|%lx\n", ksym(kaddr("vfs_read")), ksym(kaddr("vfs_read") + 5), kaddr("vfs_read")); exit(); }'
assert_rc "ksym and kaddr" 0 "$RC"
assert_eq "ksym names the function containing an address; kaddr is kallsyms' address" \
  "vfs_read|vfs_read|$(printf '%x' "0x$addr")" "$OUT"

bps -e 'BEGIN { print(kaddr("no_such_kernel_symbol")); }'
assert_rc "kaddr of an unknown symbol is an error" 1 "$RC"
assert_contains "the error names the symbol" "$ERR" \
  "ERROR: Could not resolve kernel symbol: no_such_kernel_symbol"

bps -e 'BEGIN { @[kstack(fast)] = count(); }'
assert_rc "an unknown stack mode is an error" 1 "$RC"
assert_contains "the modes are listed" "$ERR" "HINT: the modes are bpftrace, perf and raw"

bps -e 'BEGIN { @[kstack(500)] = count(); }'
assert_rc "too many frames is an error" 1 "$RC"
assert_contains "the limit is named" "$ERR" "the number of frames must be between 1 and 127"

finish
