#!/usr/bin/env bash
# printf records wake the reader only once per 64 KiB of unread data (the per-event wake-up cost
# most of a printf in a VM): a slow trickle of lines must still appear while the run goes on,
# within the reader's short poll timeout, and a burst must be complete when exit() ends the run.
source "$(dirname "$0")/lib.sh"

# A trickle: one line every 100 ms, nowhere near 64 KiB. The third line must reach the file
# (stdout is a file, so output goes through the 64 KiB stdio buffer, flushed per batch) well
# before any exit.
bg_start trickle -e 'interval:ms:100 { @n = @n + 1; printf("tick %d\n", @n); }'
if wait_attached trickle; then
  seen=0
  for ((i = 0; i < 500; i++)); do # up to 5 s
    if grep -q '^tick 3$' "$TMPD/trickle.out" 2>/dev/null; then
      seen=1
      break
    fi
    sleep 0.01
  done
  if [ "$seen" == 1 ]; then
    pass "a printf every 100 ms reaches the output while the run goes on"
  else
    fail "a printf every 100 ms reaches the output while the run goes on" \
      "$(cat "$TMPD/trickle.out" "$TMPD/trickle.err")"
  fi
  bg_stop trickle INT
  assert_rc "the trickle run ends on SIGINT with status 0" 0 "$RC"
fi

# Bursts of 100 lines every 10 ms (4,000 lines, about 128 KiB of records: past the 64 KiB
# wake-up mark), then exit(): every line written before the exit record is printed, with no
# "Lost" (the exit record wakes the reader; what is left is drained).
bps -e 'interval:ms:10 { @i = @i + 1; if (@i <= 40) { $j = 0; while ($j < 100) { printf("%d %d\n", @i, $j); $j = $j + 1; } } if (@i == 40) { exit(); } }'
assert_rc "bursts of printf lines then exit(): status 0" 0 "$RC"
lines=$(printf '%s\n' "$OUT" | grep -c '^[0-9]* [0-9]*$')
assert_eq "all 4,000 lines of the bursts are printed" 4000 "$lines"
assert_not_contains "nothing lost" "$ERR" "Lost"

finish
