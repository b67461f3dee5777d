#!/usr/bin/env bash
# The C preprocessor lines bpftrace scripts use: function-like #define, #if/#ifdef/#ifndef/#elif/
# #else/#endif with constant expressions and defined(), continuation lines. Output compared
# exactly on BEGIN, and on a tracepoint with a workload this test starts itself; errors point at
# the line and column the user wrote.
source "$(dirname "$0")/lib.sh"

cat >"$TMPD/pp.bt" <<'EOF'
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define SQUARE(x) ((x) * (x))
#define LIMIT 10
#define SUM3(a, b, \
             c) ((a) + (b) + (c))
#if defined(LIMIT) && LIMIT > 5
#define MODE "wide"
#elif LIMIT > 2
#define MODE "narrow"
#else
#define MODE "none"
#endif
#ifndef VERBOSE
#define SAY(s) printf("%s\n", s)
#endif
#ifdef VERBOSE
BEGIN { this line is never compiled }
#endif
BEGIN {
  printf("%d %d %s %d\n", MAX(3, LIMIT), SQUARE(LIMIT + 1), MODE, SUM3(1, 2,
                                                                      3));
  SAY("done");
  exit();
}
EOF
bps "$TMPD/pp.bt"
assert_rc "the script runs" 0 "$RC"
assert_eq "substitutions and the branch kept" "10 121 wide 6
done" "$(grep -v '^$' "$TMPD/last.out")"

# On a tracepoint: a predicate built from definitions, counting the workload's openat calls.
N=5
echo data >"$TMPD/file"
workload_start e2epp "for ((i = 0; i < $N; i++)); do : < '$TMPD/file'; done; exit 0" || finish
cat >"$TMPD/trace.bt" <<EOF
#define IS_PID(p) (pid == (p))
#if $N > 3
#define KEY "many"
#else
#define KEY "few"
#endif
tracepoint:syscalls:sys_enter_openat /IS_PID($WL_PID)/ { @[KEY] = count(); }
EOF
bg_start pptrace "$TMPD/trace.bt"
if wait_attached pptrace; then
  workload_run
  bg_stop pptrace INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "the workload's opens counted under the key #if chose" "@[many]: $N" \
    "$(grep -v '^$' <<<"$OUT")"
fi

# Errors keep the user's line and column.
printf '%s\n' '#define MAX(a, b) ((a) > (b) ? (a) : (b))' 'BEGIN { $x = MAX(1, 2) + $nope; }' >"$TMPD/col.bt"
bps "$TMPD/col.bt"
assert_nonzero "an undefined variable after a substitution is refused" "$RC"
assert_contains "at its column as written" "$ERR" "col.bt:2:26-31: ERROR: Undefined or undeclared variable: \$nope"
printf '%s\n' '#if 1' 'BEGIN { exit(); }' >"$TMPD/open.bt"
bps "$TMPD/open.bt"
assert_contains "an #if without #endif is refused" "$ERR" "open.bt:1:1-6: ERROR: unterminated conditional directive"

finish
