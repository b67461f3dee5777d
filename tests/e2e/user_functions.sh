#!/usr/bin/env bash
# User-defined functions (`fn name($a: type, ...): type { ... }`): results, early returns,
# strings, void functions, nested calls, loops in bodies, calls from for bodies and predicates,
# on BEGIN (output compared exactly, worked out by hand) and on a real tracepoint with a workload
# this test starts itself; then the errors for bad definitions and calls.
source "$(dirname "$0")/lib.sh"

golden "results, early returns, strings, void, nested calls, integer widths, loops" '
fn add($a: int64, $b: int64): int64 { return $a + $b; }
fn clamp($v: int64, $hi: int64): int64 { if ($v > $hi) { return $hi; } return $v; }
fn size($n: int64): string { if ($n >= 100) { return "large"; } return "small"; }
fn shout($s: string): void { printf("%s!\n", $s); }
fn low($x: uint8): uint8 { return $x; }
fn neg($x: int32): int64 { return -$x; }
fn fact($n: int64): int64 { $r = 1; $i = 2; while ($i <= $n) { $r *= $i; $i++; } return $r; }
fn sum_to($n: int64): int64 { $t = 0; for ($i : 0..$n) { $t += $i; } return $t; }
BEGIN {
  $a = 1;
  printf("%d %d %d\n", add(5, 9), clamp(add(40, 2), 10), clamp(3, 10));
  printf("%s %s\n", size(fact(5)), size(fact(3)));
  shout("hey");
  printf("%d %d %d\n", low(300), neg(7), sum_to(5));
  for ($i : 1..4) { printf("%d+10 = %d %s\n", $i, add($i, 10), size($i * 50)); }
  @m[add($a, 1)] = add(2, 3);
  printf("a=%d\n", $a);
  exit();
}' <<'EOF'
14 10 3
large small
hey!
44 -7 10
1+10 = 11 small
2+10 = 12 large
3+10 = 13 large
a=1


@m[2]: 5
EOF

golden "a function's variables are its own: the caller's \$r is untouched" '
fn f($x: int64): int64 { $r = $x * 10; return $r; }
BEGIN { $r = 3; $y = f($r); printf("%d %d\n", $r, $y); exit(); }' <<'EOF'
3 30


EOF

golden "a return value that calls functions; string[N] parameters and results cut to N - 1" '
fn one(): int64 { return 1; }
fn two(): int64 { return one() + one(); }
fn cut($s: string[4]): string[4] { return $s; }
BEGIN { printf("%d %s\n", two() + two(), cut("abcdefg")); exit(); }' <<'EOF'
4 abc


EOF

golden "-f json" 'fn twice($x: int64): int64 { return 2 * $x; } BEGIN { print(twice(21)); exit(); }' \
  -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": 42}
EOF

# On a tracepoint: a predicate and a map key computed by functions from the probe's arguments.
N=7
M=2
echo data >"$TMPD/file"
WORK="for ((i = 0; i < $N; i++)); do : < '$TMPD/file'; done
for ((i = 0; i < $M; i++)); do : 2>/dev/null < '$TMPD/missing'; done
exit 0"
workload_start e2efn "$WORK" || finish
bg_start fncalls -e "
fn mine(\$p: int64, \$want: int64): bool { return \$p == \$want; }
fn outcome(\$ret: int64): string { if (\$ret < 0) { return \"failed\"; } return \"opened\"; }
tracepoint:syscalls:sys_exit_openat /mine(pid, $WL_PID)/ { @[outcome(args.ret)] = count(); }"
if wait_attached fncalls; then
  workload_run
  assert_rc "the workload ran to its end" 0 "$WL_RC"
  bg_stop fncalls INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  # Each failed `< missing` also opens /dev/null for 2>/dev/null.
  assert_eq "functions in a predicate and a map key on sys_exit_openat" "

@[failed]: $M
@[opened]: $((N + M))" "$OUT"
fi

# Errors: FILE:LINE:COL, the message, nothing attached.
bps -e 'fn f($a: int64): int64 { return $a; } BEGIN { print(f("x")); }'
assert_nonzero "an argument of the wrong type is refused" "$RC"
assert_contains "its message names the function and parameter" "$ERR" \
  "stdin:1:55-58: ERROR: Function 'f' expects int64 for parameter \$a, not string[2]"
assert_not_contains "nothing is attached" "$ERR" "Attached"
bps -e 'fn add($a: int64): int64 { return $a; } BEGIN { print(ad(1)); }'
assert_contains "an unknown function gets a suggestion" "$ERR" "HINT: Did you mean 'add'?"
bps -e 'fn f($n: int64): int64 { return f($n - 1); } BEGIN { print(f(3)); }'
assert_contains "recursion is refused" "$ERR" "ERROR: Function 'f' is called recursively (f -> f)"

finish
