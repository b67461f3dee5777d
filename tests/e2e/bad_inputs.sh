#!/usr/bin/env bash
# Bad inputs: every script in tests/bad/ and a set of bad command lines must be refused with a
# clear error, before anything is loaded or attached.
#
# Each tests/bad/NNN-description.bt starts with
#   // expect: SUBSTRING      (required) a substring of the error message
#   // at: LINE:COL           (optional, second line) where the error starts: stderr must hold
#                             "FILE:LINE:COL-" with FILE the path given on the command line
# For each input, the checks are:
#   - the exit status is non-zero, and not a crash (>= 128: killed by a signal) or a hang (124,
#     `timeout` expired);
#   - stderr contains "ERROR"; a line of it with ERROR (or a HINT: line) contains the expected
#     substring; stderr has the location, when given;
#   - stdout is empty, and stderr has no "Attached N probes" (nothing was loaded or attached);
#   - no process of the run is left behind.
#
# Env: BPFSCOPE (the binary), SRCDIR (the repo root); optional RUN_TIMEOUT (seconds per run, 20),
# BAD_JOBS (runs at once, 4), BAD_FILTER (a glob: only the corpus files it matches, and no
# command-line cases). Needs no root: nothing here may load a program. Prints
# "bad inputs: N passed, M failed" and exits 1 if any failed, listing each failure.

set -u

if [ -z "${BPFSCOPE:-}" ] || [ ! -x "$BPFSCOPE" ]; then
  echo "BPFSCOPE is not set to an executable (path to the bpfscope binary)" >&2
  exit 2
fi
SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BAD_DIR=$SRCDIR/tests/bad
RUN_TIMEOUT=${RUN_TIMEOUT:-20}
BAD_JOBS=${BAD_JOBS:-4}
BAD_FILTER=${BAD_FILTER:-}

TMPD=$(mktemp -d /tmp/bpfscope-bad-inputs.XXXXXX)
mkdir -p "$TMPD/res"
trap 'rm -rf "$TMPD"' EXIT
trap 'echo "interrupted" >&2; exit 1' INT TERM

NCASES=0

# check_run ID NAME EXPECT AT_FILE AT STDIN -- ARGS...
# Runs "$BPFSCOPE ARGS..." with STDIN and checks it; writes "ok: NAME" or the failure report to
# $TMPD/res/ID.ok or ID.fail. AT is "LINE:COL" or empty; AT_FILE is the name the location must
# carry.
check_run() {
  local id=$1 name=$2 expect=$3 at_file=$4 at=$5 stdin=$6
  shift 7
  local out="$TMPD/$id.out" err="$TMPD/$id.err" rc pid left problems=()

  for _ in $(seq 1 60); do
    # `timeout` moves itself, and so bpfscope, into a process group of its own (id: its pid),
    # in which anything left behind is found afterwards.
    timeout -k 5 "$RUN_TIMEOUT" "$BPFSCOPE" "$@" <"$stdin" >"$out" 2>"$err" &
    pid=$!
    wait "$pid"
    rc=$?
    # 126/127 from `timeout` itself: the binary is missing or not executable, as while a
    # developer relinks it. Wait for it to come back rather than fail every case.
    if { [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; } && grep -aq "^timeout: failed to run" "$err"; then
      sleep 2
      continue
    fi
    break
  done

  if [ "$rc" -eq 0 ]; then
    problems+=("exit status 0, expected non-zero")
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    problems+=("hang: still running after ${RUN_TIMEOUT}s (exit $rc from timeout)")
  elif [ "$rc" -ge 128 ]; then
    problems+=("crash: exit status $rc (signal $((rc - 128)))")
  fi
  grep -aq "ERROR" "$err" || problems+=("stderr has no ERROR")
  # The message and its hint, not the echo of the source line (which holds the input's text).
  grep -aE "ERROR|^HINT:" "$err" | grep -aqF -- "$expect" ||
    problems+=("no ERROR or HINT line of stderr has the expected message: $expect")
  if [ -n "$at" ] && ! grep -aqF -- "$at_file:$at-" "$err"; then
    problems+=("stderr lacks the location $at_file:$at-")
  fi
  [ -s "$out" ] && problems+=("stdout is not empty")
  # (the usage text mentions 'Attached N probes' too: only the runtime's own line counts)
  grep -aEq "^Attached [0-9]+ probe" "$err" && problems+=("stderr says Attached: probes were attached")
  left=$(pgrep -g "$pid" 2>/dev/null | tr '\n' ' ')
  if [ -n "$left" ]; then
    problems+=("processes left behind: $left")
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
  fi

  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok:   $name" >"$TMPD/res/$id.ok"
    return 0
  fi
  {
    echo "FAIL: $name"
    echo "      command: bpfscope $(printf '%q ' "$@" | cut -c1-200)"
    local p
    for p in "${problems[@]}"; do
      echo "      - $p"
    done
    echo "      expected: $expect${at:+ at $at_file:$at}"
    echo "      actual (exit $rc) stderr:"
    head -c 2000 "$err" | head -12 | cut -c1-200 | cat -v | sed 's/^/      | /'
    if [ -s "$out" ]; then
      echo "      stdout:"
      head -c 2000 "$out" | head -5 | cut -c1-200 | cat -v | sed 's/^/      | /'
    fi
  } >"$TMPD/res/$id.fail"
}

# run_case NAME EXPECT AT_FILE AT STDIN -- ARGS...: check_run in the background, at most
# BAD_JOBS at once.
run_case() {
  NCASES=$((NCASES + 1))
  while [ "$(jobs -rp | wc -l)" -ge "$BAD_JOBS" ]; do
    wait -n 2>/dev/null || sleep 0.05
  done
  check_run "$(printf '%05d' "$NCASES")" "$@" &
}

# broken NAME MESSAGE: a failure found without running anything.
broken() {
  NCASES=$((NCASES + 1))
  echo "FAIL: $1: $2" >"$TMPD/res/$(printf '%05d' "$NCASES").fail"
}

# ---------------------------------------------------------------- generated inputs

# Too big to keep in the corpus: a 1 MB string literal (first: it is the slowest to refuse).
if [ -z "$BAD_FILTER" ]; then
  # shellcheck disable=SC2016
  { printf 'BEGIN { $x = "'; head -c 1048576 /dev/zero | tr '\0' A; printf '"; }\n'; } >"$TMPD/huge-string.bt"
  run_case "generated: 1 MB string literal" "String is too long" "$TMPD/huge-string.bt" "1:14" /dev/null -- \
    "$TMPD/huge-string.bt"
fi

# ---------------------------------------------------------------- the corpus

nfiles=0
shopt -s nullglob
for file in "$BAD_DIR"/*.bt; do
  base=$(basename "$file")
  # shellcheck disable=SC2053
  [ -z "$BAD_FILTER" ] || [[ $base == $BAD_FILTER ]] || continue
  nfiles=$((nfiles + 1))
  first=$(head -n 1 "$file" | tr -d '\0')
  second=$(sed -n 2p "$file" | tr -d '\0')
  if [[ $first != "// expect: "?* ]]; then
    broken "$base" "the first line is not '// expect: MESSAGE'"
    continue
  fi
  expect=${first#// expect: }
  at=""
  if [[ $second == "// at: "* ]]; then
    at=${second#// at: }
    if ! [[ $at =~ ^[0-9]+:[0-9]+$ ]]; then
      broken "$base" "the second line is not '// at: LINE:COL'"
      continue
    fi
  fi
  run_case "$base" "$expect" "$file" "$at" /dev/null -- "$file"
done
if [ -z "$BAD_FILTER" ] && [ "$nfiles" -lt 150 ]; then
  broken "corpus" "only $nfiles files in $BAD_DIR, expected at least 150"
fi

# ---------------------------------------------------------------- bad command lines

if [ -z "$BAD_FILTER" ]; then
  ok='BEGIN { exit(); }'
  run_case "cli: unknown long option" "unknown option --bogus" "" "" /dev/null -- --bogus "$ok"
  run_case "cli: unknown short option" "unknown option -z" "" "" /dev/null -- -z -e "$ok"
  for opt in -e -o -f -d -B; do
    run_case "cli: $opt without its argument" "option $opt requires an argument" "" "" /dev/null -- "$opt"
  done
  run_case "cli: -f yaml" "unknown output format 'yaml'" "" "" /dev/null -- -f yaml -e "$ok"
  run_case "cli: -d bogus" "unknown stage 'bogus'" "" "" /dev/null -- -d bogus -e "$ok"
  run_case "cli: -B bogus" "unknown buffering mode 'bogus'" "" "" /dev/null -- -B bogus -e "$ok"
  run_case "cli: no program" "no program given" "" "" /dev/null --
  run_case "cli: only options, no program" "no program given" "" "" /dev/null -- -q -v
  run_case "cli: directory as FILE" "it is a directory" "" "" /dev/null -- "$TMPD"
  run_case "cli: nonexistent FILE" "No such file or directory" "" "" /dev/null -- "$TMPD/nonexistent.bt"
  # Root reads any mode-000 file, so the unreadable files come from /proc: pid 1's memory is
  # refused at open(), and a process's own memory fails at read() (EIO at address 0).
  run_case "cli: FILE refused at open (/proc/1/mem)" "cannot read /proc/1/mem" "" "" /dev/null -- /proc/1/mem
  run_case "cli: FILE failing at read (/proc/self/mem)" "cannot read /proc/self/mem" "" "" /dev/null -- \
    /proc/self/mem
  run_case "cli: -o into a missing directory" "cannot open $TMPD/no/such/dir/out" "" "" /dev/null -- \
    -o "$TMPD/no/such/dir/out" -e "$ok"
  run_case "cli: -e with a syntax error" "unterminated block" "stdin" "1:7" /dev/null -- -e 'BEGIN {'
  run_case "cli: -e with an empty program" "unexpected end of file" "" "" /dev/null -- -e ''
  printf 'BEGIN { printf("x" }\n' >"$TMPD/stdin.bt"
  run_case "cli: program from stdin (-)" "unexpected }" "stdin" "1:20" "$TMPD/stdin.bt" -- -
  printf '#!/usr/bin/env bpftrace\n' >"$TMPD/shebang-only.bt"
  run_case "cli: file with only a shebang line" "unexpected end of file" "" "" /dev/null -- \
    "$TMPD/shebang-only.bt"
  printf '#!/usr/bin/env bpftrace\nBEGIN { @x = ; }\n' >"$TMPD/shebang.bt"
  run_case "cli: error after a shebang line" "expected expression" "$TMPD/shebang.bt" "2:14" /dev/null -- \
    "$TMPD/shebang.bt"
  # shellcheck disable=SC2016
  printf 'BEGIN { printf("%%d\\n", $1 + 1); exit(); }\n' >"$TMPD/positional.bt"
  run_case "cli: string positional parameter in arithmetic" "Invalid operands for '+'" \
    "$TMPD/positional.bt" "1:24" /dev/null -- "$TMPD/positional.bt" hello
fi

wait

# ---------------------------------------------------------------- summary

passed=0
failed=0
for r in "$TMPD"/res/*; do
  case $r in
  *.ok) passed=$((passed + 1)) ;;
  *.fail) failed=$((failed + 1)) ;;
  esac
  head -n 1 "$r" # the details of a failure come at the end
done
missing=$((NCASES - passed - failed))
if [ "$missing" -gt 0 ]; then
  echo "FAIL: $missing cases gave no result (the checker itself died)"
  failed=$((failed + missing))
fi

echo
echo "bad inputs: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  echo
  echo "failures:"
  cat "$TMPD"/res/*.fail
  exit 1
fi
exit 0
