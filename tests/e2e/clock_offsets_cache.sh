#!/usr/bin/env bash
# nsecs(sw_tai) and tseries() add an offset between the boot clock and another clock (TAI, the
# wall clock) to what the BPF program reads. The offsets are measured when a run starts, not when
# the script is compiled: an object from the on-disk cache must not reuse the compiling run's.
# The first run compiles inside a time namespace whose boot clock is 100000 s ahead (so the
# offsets it measures are wrong for the real boot clock BPF reads); the second, outside it, loads
# the cached object and must still get TAI and today's wall-clock time right.
source "$(dirname "$0")/lib.sh"

export BPFSCOPE_CACHE_DIR="$TMPD/cache"
if ! unshare --time --boottime 100000 true 2>/dev/null; then
  skip "this kernel has no time namespaces (CONFIG_TIME_NS), needed to skew the first run's clock"
fi

PROG='BEGIN {
  $a = nsecs(sw_tai); $t = nsecs(tai); $b = nsecs(sw_tai); $m = ($a + $b) / 2;
  printf("sw_tai %s\n", ($m > $t + 1000000000 || $t > $m + 1000000000) ? "far from tai" : "close to tai");
  @ts = tseries(5, 1s, 2);
  exit();
}'

timeout -k 5 "$RUN_TIMEOUT" unshare --time --boottime 100000 "$BPFSCOPE" -v -f json -e "$PROG" \
  </dev/null >"$TMPD/first.out" 2>"$TMPD/first.err"
assert_rc "first run (skewed boot clock) exits 0" 0 "$?"
assert_contains "first run compiles" "$(cat "$TMPD/first.err")" "codegen: compiled"

BEFORE=$(date -u '+%Y-%m-%d %H:%M')
bps -v -f json -e "$PROG"
AFTER=$(date -u '+%Y-%m-%d %H:%M')
assert_rc "second run exits 0" 0 "$RC"
assert_contains "second run loads the cached object" "$ERR" "codegen: cached"
assert_contains "nsecs(sw_tai) of the cached object agrees with nsecs(tai)" "$OUT" \
  '{"type": "printf", "data": "sw_tai close to tai\n"}'
STARTED=$(sed -n 's/.*"interval_start":"\([0-9-]* [0-9]*:[0-9]*\):.*/\1/p' <<<"$OUT")
if [ "$STARTED" == "$BEFORE" ] || [ "$STARTED" == "$AFTER" ]; then
  pass "tseries() of the cached object labels its interval with the current UTC minute ($STARTED)"
else
  fail "tseries() interval starts at '$STARTED', not the current minute ($BEFORE)" "$OUT"
fi

finish
