# shellcheck shell=bash
# Shared helpers for the end-to-end tests, sourced by every tests/e2e/*.sh (CMake does not register
# this file as a test). Run directly, `BPFSCOPE=... bash lib.sh` checks its own assertions.
#
# Each test runs the real binary ($BPFSCOPE) as root on real probes, records every check as
# "ok:" or "FAIL:" (with a diff or the offending output), and through `finish` exits 1 if any
# check failed; `skip` (exit 77) is only for a real fact of the kernel, with the reason.
#
# Running bpfscope:
#   bps [ARGS...]              run to completion under a timeout (stdin: $BPS_STDIN, else
#                              /dev/null); sets OUT, ERR (stdout/stderr) and RC; the exact
#                              bytes stay in $TMPD/last.out and last.err (OUT drops final newlines)
#   bg_start NAME [ARGS...]    start in the background, output in $TMPD/NAME.out and NAME.err;
#                              sets BG_PID and BG_PID_NAME
#   wait_attached NAME         poll NAME.err until "Attached" appears (no fixed sleeps)
#   bg_stop NAME SIGNAL        signal it, wait (with a deadline); sets OUT, ERR, RC
#   bg_wait NAME SECONDS       wait for it to exit by itself; sets OUT, ERR, RC
#   show_last                  print OUT/ERR/RC, for context after a failure
# Controlled workloads (stopped until the test releases them, so their pid is known before they
# do anything):
#   workload_start COMM SCRIPT   a copy of bash named COMM runs SCRIPT; sets WL_PID
#   pyworkload_start CODE        python3 runs CODE (exact system calls); sets WL_PID
#   workload_run                 resume it and wait for it to exit
# Checks:
#   assert_eq WHAT EXPECTED ACTUAL          exact comparison, unified diff on failure
#   assert_contains WHAT HAYSTACK NEEDLE    fixed-string containment
#   assert_not_contains WHAT HAYSTACK NEEDLE
#   assert_match WHAT TEXT REGEX            extended regex, matched against any line of TEXT
#   assert_rc WHAT EXPECTED ACTUAL          exit status
#   assert_nonzero WHAT ACTUAL              exit status != 0
#   pass WHAT / fail WHAT [DETAILS]         record a check by hand
#   finish                                  summary line and exit status

set -u

if [ -z "${BPFSCOPE:-}" ]; then
  echo "BPFSCOPE is not set (path to the bpfscope binary)" >&2
  exit 2
fi
if [ ! -x "$BPFSCOPE" ]; then
  echo "BPFSCOPE=$BPFSCOPE is not an executable" >&2
  exit 2
fi
SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL: the end-to-end tests load BPF programs and must run as root" >&2
  exit 1
fi

TEST_NAME=$(basename "$0" .sh)
TMPD=$(mktemp -d "/tmp/bpfscope-e2e-$TEST_NAME.XXXXXX")
FAILS=0
CHECKS=0
BG_PIDS=()
EXTRA_PIDS=()
RUN_TIMEOUT=${RUN_TIMEOUT:-30}
ATTACH_TIMEOUT=${ATTACH_TIMEOUT:-15}

_e2e_cleanup() {
  local p
  for p in "${BG_PIDS[@]}" "${EXTRA_PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      kill -KILL "$p" 2>/dev/null
      wait "$p" 2>/dev/null
    fi
  done
  rm -rf "$TMPD"
}
trap _e2e_cleanup EXIT
trap 'echo "interrupted" >&2; exit 1' INT TERM

pass() {
  CHECKS=$((CHECKS + 1))
  echo "ok:   $1"
}

fail() {
  CHECKS=$((CHECKS + 1))
  FAILS=$((FAILS + 1))
  echo "FAIL: $1"
  if [ $# -gt 1 ]; then
    printf '%s\n' "$2" | sed 's/^/      | /'
  fi
}

# Prints the last bpfscope invocation's stdout/stderr, indented, for context after a failure.
show_last() {
  echo "      --- stdout (rc=${RC:-?}) ---"
  printf '%s\n' "${OUT:-}" | head -40 | sed 's/^/      | /'
  echo "      --- stderr ---"
  printf '%s\n' "${ERR:-}" | head -40 | sed 's/^/      | /'
}

assert_eq() {
  local what=$1 expected=$2 actual=$3
  if [ "$expected" == "$actual" ]; then
    pass "$what"
  else
    fail "$what" "$(diff -u --label expected --label actual <(printf '%s\n' "$expected") \
      <(printf '%s\n' "$actual") | cat -A | sed 's/\$$//')"
    return 1
  fi
}

assert_contains() {
  local what=$1 haystack=$2 needle=$3
  if [[ "$haystack" == *"$needle"* ]]; then
    pass "$what"
  else
    fail "$what" "expected to contain: $needle
in:
$(printf '%s\n' "$haystack" | head -40)"
    return 1
  fi
}

assert_not_contains() {
  local what=$1 haystack=$2 needle=$3
  if [[ "$haystack" != *"$needle"* ]]; then
    pass "$what"
  else
    fail "$what" "expected NOT to contain: $needle
in:
$(printf '%s\n' "$haystack" | head -40)"
    return 1
  fi
}

assert_match() {
  local what=$1 text=$2 regex=$3
  if printf '%s\n' "$text" | grep -Eq -- "$regex"; then
    pass "$what"
  else
    fail "$what" "expected a line matching /$regex/
in:
$(printf '%s\n' "$text" | head -40)"
    return 1
  fi
}

assert_rc() {
  local what=$1 expected=$2 actual=$3
  if [ "$expected" == "$actual" ]; then
    pass "$what (exit $actual)"
  else
    fail "$what: expected exit status $expected, got $actual"
    return 1
  fi
}

assert_nonzero() {
  local what=$1 actual=$2
  if [ "$actual" != 0 ]; then
    pass "$what (exit $actual)"
  else
    fail "$what: expected a non-zero exit status, got 0"
    return 1
  fi
}

# bps ARGS...: run bpfscope to completion under a timeout.
bps() {
  local in=${BPS_STDIN:-/dev/null}
  timeout -k 5 "$RUN_TIMEOUT" "$BPFSCOPE" "$@" <"$in" >"$TMPD/last.out" 2>"$TMPD/last.err"
  RC=$?
  OUT=$(cat "$TMPD/last.out")
  ERR=$(cat "$TMPD/last.err")
  if [ "$RC" == 124 ] || [ "$RC" == 137 ]; then
    echo "      (bpfscope timed out after ${RUN_TIMEOUT}s: $*)"
  fi
  return 0
}


# golden NAME PROGRAM [ARGS...] <<'EOF' ... EOF: run `bpfscope ARGS -e PROGRAM`; it must exit 0
# and its stdout must equal the heredoc exactly (blank lines included).
golden() {
  local name=$1 prog=$2
  shift 2
  cat >"$TMPD/expected"
  bps "$@" -e "$prog"
  if [ "$RC" != 0 ]; then
    fail "$name: exit status $RC (expected 0)" "$ERR"
    return 1
  fi
  if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/last.out" >"$TMPD/diff"; then
    pass "$name: stdout matches exactly"
  else
    fail "$name: stdout differs ($prog)" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
  fi
}

# wait_ready NAME: for programs that end with READY_PROBE, a probe printing "ready" every 50 ms.
# bpfscope attaches probes in script order, so the first "ready" means every probe before it is
# in place. Returns 1 (after a failure) when none came within the attach deadline.
READY_PROBE='interval:ms:50 { printf("ready\n"); }'
wait_ready() {
  local i
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    grep -q '^ready$' "$TMPD/$1.out" 2>/dev/null && return 0
    sleep 0.01
  done
  fail "bpfscope ($1) never became ready" "$(cat "$TMPD/$1.out" "$TMPD/$1.err")"
  return 1
}

bg_start() {
  local name=$1
  shift
  # No stale output from an earlier run of the same name: the background child truncates the
  # files only once it is scheduled, and wait_attached must not see the old "Attached".
  rm -f "$TMPD/$name.out" "$TMPD/$name.err"
  "$BPFSCOPE" "$@" </dev/null >"$TMPD/$name.out" 2>"$TMPD/$name.err" &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
  eval "BG_PID_$name=$BG_PID"
}

# wait_attached NAME: returns 0 once "Attached" is on NAME's stderr, 1 if the process died or the
# deadline passed (printing why).
wait_attached() {
  local name=$1 pidvar="BG_PID_$1" i
  local pid=${!pidvar}
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    if grep -q "Attached" "$TMPD/$name.err" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "bpfscope ($name) exited before attaching" "$(cat "$TMPD/$name.out" "$TMPD/$name.err")"
      return 1
    fi
    sleep 0.01
  done
  fail "bpfscope ($name) did not print 'Attached' within ${ATTACH_TIMEOUT}s" \
    "$(cat "$TMPD/$name.out" "$TMPD/$name.err")"
  return 1
}

# wait_pid_exit PID SECONDS: polls until PID is gone; returns 1 on deadline.
wait_pid_exit() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    # A zombie child of ours still answers kill -0; look at its state.
    if [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == "Z" ]; then
      return 0
    fi
    sleep 0.01
  done
  return 1
}

# bg_stop NAME SIGNAL: signal the background bpfscope and collect its output and exit status.
bg_stop() {
  local name=$1 sig=$2 pidvar="BG_PID_$1"
  local pid=${!pidvar}
  kill "-$sig" "$pid" 2>/dev/null
  bg_wait "$name" 10
}

# bg_wait NAME SECONDS: wait for the background bpfscope to exit on its own.
bg_wait() {
  local name=$1 secs=$2 pidvar="BG_PID_$1"
  local pid=${!pidvar}
  # (bash reports a killed background job on its own stderr when it reaps it: keep that quiet.)
  exec 3>&2 2>/dev/null
  if ! wait_pid_exit "$pid" "$secs"; then
    echo "      (bpfscope $name still running after ${secs}s; killing it)"
    kill -KILL "$pid"
  fi
  wait "$pid"
  RC=$?
  exec 2>&3 3>&-
  OUT=$(cat "$TMPD/$name.out")
  ERR=$(cat "$TMPD/$name.err")
}

# workload_start COMM SCRIPT: a controlled workload whose pid and comm the test knows before it does
# anything. A copy of bash named COMM (so comm == COMM) runs SCRIPT, but first stops itself; by
# the time this returns it is stopped (state T) and WL_PID is its pid. workload_run resumes it
# and waits for it to exit (WL_RC = its exit status).
workload_start() {
  local comm=$1 script=$2 i
  cp "$(command -v bash)" "$TMPD/$comm"
  LC_ALL=C LANG=C "$TMPD/$comm" -c "kill -STOP \$BASHPID; $script" </dev/null &
  WL_PID=$!
  EXTRA_PIDS+=("$WL_PID")
  for ((i = 0; i < 500; i++)); do
    [ "$(awk '{print $3}' "/proc/$WL_PID/stat" 2>/dev/null)" == "T" ] && return 0
    sleep 0.01
  done
  fail "workload $comm did not reach its stop point"
  return 1
}

# pyworkload_start CODE: like workload_start, for a workload that needs exact control of its
# system calls (os.open/os.write/...): python3 stops itself, then runs CODE. comm is "python3".
PYTHON=$(command -v /usr/bin/python3 || command -v python3 || true)
pyworkload_start() {
  local code=$1 i
  if [ -z "$PYTHON" ]; then
    fail "python3 is needed for this workload"
    return 1
  fi
  LC_ALL=C "$PYTHON" -I -S -c "import os, signal
os.kill(os.getpid(), signal.SIGSTOP)
$code" </dev/null &
  WL_PID=$!
  EXTRA_PIDS+=("$WL_PID")
  for ((i = 0; i < 1000; i++)); do
    [ "$(awk '{print $3}' "/proc/$WL_PID/stat" 2>/dev/null)" == "T" ] && return 0
    sleep 0.01
  done
  fail "python workload did not reach its stop point"
  return 1
}

workload_run() {
  kill -CONT "$WL_PID"
  wait "$WL_PID"
  # shellcheck disable=SC2034 # read by the tests
  WL_RC=$?
}

skip() {
  echo "SKIP: $*"
  exit 77
}

finish() {
  echo
  if [ "$FAILS" -gt 0 ]; then
    echo "$TEST_NAME: $FAILS of $CHECKS checks FAILED"
    exit 1
  fi
  echo "$TEST_NAME: all $CHECKS checks passed"
  exit 0
}

# Run directly, the helper checks itself: the assertions detect what they must, and the binary under
# test runs at all.
if [ "${BASH_SOURCE[0]}" == "$0" ]; then
  echo "lib.sh: self-check of the shared e2e helpers"
  if (assert_eq "x" "a" "b") >/dev/null; then fail "assert_eq accepts different strings"; else pass "assert_eq rejects different strings"; fi
  if (assert_eq "x" "a
" "a") >/dev/null; then fail "assert_eq ignores a trailing blank line"; else pass "assert_eq sees a trailing blank line"; fi
  if (assert_contains "x" "abc" "d") >/dev/null; then fail "assert_contains accepts a missing needle"; else pass "assert_contains rejects a missing needle"; fi
  if (assert_match "x" "abc" "^b") >/dev/null; then fail "assert_match accepts a non-match"; else pass "assert_match rejects a non-match"; fi
  if (assert_rc "x" 0 1) >/dev/null; then fail "assert_rc accepts a wrong status"; else pass "assert_rc rejects a wrong status"; fi
  bps --version
  assert_rc "bpfscope --version runs" 0 "$RC"
  assert_match "bpfscope --version prints a version" "$OUT" '[0-9]+\.[0-9]+'
  finish
fi
