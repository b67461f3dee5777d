#!/usr/bin/env bash
# The on-disk cache of compiled objects: a second run of an unchanged script uses it ("codegen:
# cached" with -v) and prints the same; another script, other positional parameters or --no-cache
# compile; a corrupt entry is detected, compiled anew and replaced. BPFSCOPE_CACHE_DIR points the
# cache at a scratch directory.
source "$(dirname "$0")/lib.sh"

export BPFSCOPE_CACHE_DIR="$TMPD/cache"
PROG='BEGIN { @c[$1] = count(); printf("x=%d\n", $1); exit(); }'

bps -v -e "$PROG" 7
assert_rc "first run exits 0" 0 "$RC"
assert_contains "first run compiles" "$ERR" "codegen: compiled"
FIRST_OUT=$OUT
ENTRIES=$(ls "$BPFSCOPE_CACHE_DIR"/*.bpfo 2>/dev/null | wc -l)
assert_eq "first run stores one entry" "1" "$ENTRIES"

bps -v -e "$PROG" 7
assert_rc "second run exits 0" 0 "$RC"
assert_contains "second run uses the cache" "$ERR" "codegen: cached"
assert_eq "second run prints the same" "$FIRST_OUT" "$OUT"

bps -v -e "$PROG" 8
assert_contains "other positional parameters compile" "$ERR" "codegen: compiled"
assert_contains "and print their own value" "$OUT" "x=8"

bps -v --no-cache -e "$PROG" 7
assert_contains "--no-cache compiles" "$ERR" "codegen: compiled"

# Corrupt every entry: the next run must notice, compile, and leave a good entry behind.
for f in "$BPFSCOPE_CACHE_DIR"/*.bpfo; do
  printf 'garbage' | dd of="$f" bs=1 seek=40 conv=notrunc status=none
done
bps -v -e "$PROG" 7
assert_rc "run after corruption exits 0" 0 "$RC"
assert_contains "a corrupt entry is compiled anew" "$ERR" "codegen: compiled"
assert_eq "and prints the same" "$FIRST_OUT" "$OUT"
bps -v -e "$PROG" 7
assert_contains "the rebuilt entry is used" "$ERR" "codegen: cached"

# A tracepoint script: the cached object loads and attaches.
bps -v -e 'tracepoint:syscalls:sys_enter_getppid { @n = count(); } interval:ms:50 { exit(); }'
bps -v -e 'tracepoint:syscalls:sys_enter_getppid { @n = count(); } interval:ms:50 { exit(); }'
assert_rc "cached tracepoint script exits 0" 0 "$RC"
assert_contains "cached tracepoint script uses the cache" "$ERR" "codegen: cached"

finish
