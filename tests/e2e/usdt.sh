#!/usr/bin/env bash
# USDT probes (<sys/sdt.h>) of a C program this test builds from tests/programs/usdt_target.c and
# usdt_guarded.c, with exact output, built with -O2 (arguments in registers) and -O0 (arguments
# in memory at an offset from %rbp):
#   - int, long, string pointer and constant arguments; a negative int (sign extension)
#   - a probe with a semaphore: enabled (the program sees it set) only while traced
#   - usdt:PATH:NAME without the provider, wildcards, -l, and an unknown probe's error
#   - uaddr() of a variable of the probed binary
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

PROGS="$SRCDIR/tests/programs"
for opt in O2 O0; do
  if ! cc -$opt -o "$TMPD/usdt_$opt" "$PROGS/usdt_target.c" "$PROGS/usdt_guarded.c" \
    2>"$TMPD/build.err"; then
    fail "cannot build the USDT program (needs <sys/sdt.h>: systemtap-sdt-dev)" \
      "$(cat "$TMPD/build.err")"
    finish
  fi
done
cd "$TMPD" || finish
cat >run.sh <<'SH'
#!/bin/sh
"$1" 3 >prog.out
SH
chmod +x run.sh

for opt in O2 O0; do
  prog=./usdt_$opt
  # 1. Every kind of argument.
  bps -c "./run.sh $prog" -e "usdt:$prog:bpfscope_test:values {
  printf(\"%d %ld %s %d\\n\", arg0, arg1, str(arg2), arg3); }
usdt:$prog:negative { printf(\"neg %d\\n\", (int64)arg0); }"
  assert_rc "$opt: bpfscope exits 0" 0 "$RC"
  assert_eq "$opt: int, long, string and constant arguments" "1 10000000000 name1 42
neg -1
2 20000000000 name2 42
neg -2
3 30000000000 name3 42
neg -3" "$OUT"
  assert_eq "$opt: untraced guarded probe is skipped" "guarded 1: not traced
guarded 2: not traced
guarded 3: not traced" "$(cat prog.out)"

  # 2. The semaphore: the program takes the guarded path only while the probe is attached.
  bps -c "./run.sh $prog" -e "usdt:$prog:bpfscope_test:guarded { printf(\"%d %d\\n\", arg0, arg1); }"
  assert_rc "$opt: semaphore: bpfscope exits 0" 0 "$RC"
  assert_eq "$opt: semaphore: guarded probe fires" "2 -1
4 -2
6 -3" "$OUT"
  assert_eq "$opt: semaphore: the program saw it enabled" "" "$(cat prog.out)"
done

# 3. Wildcards, probe, and counting every site.
bps -c "./run.sh ./usdt_O2" -e 'usdt:./usdt_O2:bpfscope_test:* { @[probe] = count(); }'
assert_eq "wildcard: every probe" "@[usdt:$TMPD/usdt_O2:bpfscope_test:guarded]: 3
@[usdt:$TMPD/usdt_O2:bpfscope_test:negative]: 3
@[usdt:$TMPD/usdt_O2:bpfscope_test:noargs]: 3
@[usdt:$TMPD/usdt_O2:bpfscope_test:values]: 3" "$(grep '^@' <<<"$OUT" | sort)"

# 4. Listing.
bps -l "usdt:$TMPD/usdt_O2:*"
assert_eq "-l usdt:PATH:*" "usdt:$TMPD/usdt_O2:bpfscope_test:guarded
usdt:$TMPD/usdt_O2:bpfscope_test:negative
usdt:$TMPD/usdt_O2:bpfscope_test:noargs
usdt:$TMPD/usdt_O2:bpfscope_test:values" "$OUT"

# 5. uaddr(): the semaphore variable's address (st_value, as nm shows it).
bps -c "./run.sh ./usdt_O2" -e 'usdt:./usdt_O2:noargs { printf("%lx\n", uaddr("bpfscope_test_guarded_semaphore")); }'
want=$(nm usdt_O2 | awk '$3 == "bpfscope_test_guarded_semaphore" { sub(/^0+/, "", $1); print $1 }')
assert_eq "uaddr() of a variable" "$want
$want
$want" "$OUT"

# 6. Errors: an unknown probe (with a suggestion), arguments beyond the probe's.
bps -e 'usdt:./usdt_O2:bpfscope_test:valuez { }'
assert_nonzero "unknown probe: fails" "$RC"
assert_contains "unknown probe: says so" "$ERR" "No USDT probe matching 'bpfscope_test:valuez'"
assert_contains "unknown probe: suggests" "$ERR" "bpfscope_test:values"
bps -e 'usdt:./usdt_O2:noargs { print(arg0); }'
assert_nonzero "argument out of range: fails" "$RC"
assert_contains "argument out of range: says so" "$ERR" "out of range"

finish
