#!/usr/bin/env bash
# Verifier rejections point at the script: programs the kernel's verifier really refuses (a loop
# it cannot bound, a loop too long to verify) give bpftrace's FILE:LINE:COL-COL: ERROR: form at
# the statement that produced the failing instruction, with the source line and its underline,
# then the verifier's last lines and a hint. Nothing is attached and the exit status is 1.
source "$(dirname "$0")/lib.sh"

# --- A loop too long for the verifier, in the second probe (its program is not the first one):
# the verifier gives up after a million instructions inside the loop, at its test (LLVM turns
# `$i++` and the comparison into one count-down, which belongs to the loop's head).
cat >"$TMPD/long_loop.bt" <<'BT'
BEGIN { printf("start\n"); }

tracepoint:syscalls:sys_enter_close {
  $i = 0;
  $t = 0;
  while ($i < 500000) {
    $t = $t + nsecs;
    $i++;
  }
  @t = $t;
}
BT
bps --no-cache --dry-run "$TMPD/long_loop.bt"
assert_rc "long loop: exit status 1" 1 "$RC"
# (The loop's condition: where in the loop the verifier gives up follows the code's layout.)
assert_eq "long loop: the error is at the loop's head, with the source line and underline" \
  "$TMPD/long_loop.bt:6:10-21: ERROR: the kernel's verifier rejected the program for probe tracepoint:syscalls:sys_enter_close (No space left on device); its last lines:
  while (\$i < 500000) {
         ~~~~~~~~~~~" "$(printf '%s\n' "$ERR" | head -3)"
assert_match "long loop: the verifier's own words follow" "$ERR" '^  BPF program is too large'
assert_match "long loop: a hint closes the message" "$ERR" '^HINT: the program is too large'
assert_not_contains "long loop: nothing attached" "$ERR" "Attached"
assert_eq "long loop: nothing on stdout" "" "$OUT"

# --- A long loop of map updates verifies: the "Map full" check of each update has no branch
# (helper_errors.h), so it leaves the verifier no extra path per iteration.
bps --no-cache --dry-run -e 'BEGIN { $i = 0; while ($i < 10000) { @a[$i] = 1; $i++; } }'
assert_rc "10000 map updates in a loop: accepted" 0 "$RC"
assert_eq "10000 map updates in a loop: no error" "" "$ERR"

# --- A loop that never ends: the verifier stops at the loop's first instruction, the body's
# aggregation.
cat >"$TMPD/endless.bt" <<'BT'
BEGIN {
  while (1) {
      @x[1] = count();
  }
}
BT
bps --no-cache --dry-run "$TMPD/endless.bt"
assert_rc "endless loop: exit status 1" 1 "$RC"
assert_eq "endless loop: the error is at the loop body" \
  "$TMPD/endless.bt:3:7-22: ERROR: the kernel's verifier rejected the program for probe BEGIN (Invalid argument); its last lines:
      @x[1] = count();
      ~~~~~~~~~~~~~~~" "$(printf '%s\n' "$ERR" | head -3)"
assert_match "endless loop: the verifier's own words follow" "$ERR" '^  infinite loop detected at insn'
assert_match "endless loop: hint" "$ERR" '^HINT: the program contains a loop'

# --- The object cache is not involved: a cached object is rejected the same way.
bps --dry-run "$TMPD/endless.bt"
bps --dry-run "$TMPD/endless.bt"
assert_contains "endless loop, from the cache: same location" "$ERR" \
  "$TMPD/endless.bt:3:7-22: ERROR: the kernel's verifier rejected"

# --- A probe from an imported file: located in that file (its lines, its name).
mkdir -p "$TMPD/lib"
cat >"$TMPD/lib/spin.bt" <<'BT'
// a library probe that never ends
BEGIN {
  while (1) {
    @spin[1] = count();
  }
}
BT
printf 'import "lib/spin.bt";\nEND { printf("end\\n"); }\n' >"$TMPD/importer.bt"
bps --no-cache --dry-run "$TMPD/importer.bt"
assert_rc "imported probe: exit status 1" 1 "$RC"
assert_eq "imported probe: the error is in the imported file" \
  "$TMPD/lib/spin.bt:4:5-23: ERROR: the kernel's verifier rejected the program for probe BEGIN (Invalid argument); its last lines:
    @spin[1] = count();
    ~~~~~~~~~~~~~~~~~~" "$(printf '%s\n' "$ERR" | head -3)"

# --- -e scripts are named stdin, as in every other error.
bps --no-cache --dry-run -e 'BEGIN { while (1) { @x = 1; } }'
assert_contains "-e: location in stdin" "$ERR" "stdin:1:21-27: ERROR: the kernel's verifier rejected the program for probe BEGIN"

finish
