#!/usr/bin/env bash
# Script-level features on real probes: a config block (max_strlen truncating a string read from
# a real event, print_maps_on_exit), the environment overriding it, macros (one imported from
# another file) in a tracepoint probe, getopt() named parameters next to positional ones,
# #define, and where each kind of output goes with -o, -q and -B none|line|full.
source "$(dirname "$0")/lib.sh"

N=6
mkdir -p "$TMPD/lib" "$TMPD/files"
TARGET="$TMPD/files/abcdefghijklmnop"
echo data >"$TARGET"
WORK="for ((i = 0; i < $N; i++)); do : < '$TARGET'; done; exit 0"

cat >"$TMPD/lib/match.bt" <<'BT'
// Imported: a predicate macro and a counting macro taking a map.
macro is_pid(p) { pid == p }
macro count_into(@m, k) { @m[k] = count(); }
BT
cat >"$TMPD/trace.bt" <<'BT'
import "lib/match.bt";
config = { max_strlen = 9 }
#define SUFFIX "|"
tracepoint:syscalls:sys_enter_openat /is_pid(getopt("pid", 0))/ {
  count_into(@opens, comm);
  printf("%s%s\n", str(args.filename), SUFFIX);
}
BT
# max_strlen 9: the file name is cut to its first 9 bytes, printed with the trailer "..".
SHORT=${TARGET:0:9}..

# 1. Imported macros in the predicate and body, getopt() giving the pid, max_strlen from the
#    config block truncating args.filename, the map printed at exit.
workload_start e2emacro "$WORK" || finish
bg_start trace "$TMPD/trace.bt" -- --pid="$WL_PID"
if wait_attached trace; then
  workload_run
  bg_stop trace INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  expected=$(for ((i = 0; i < N; i++)); do echo "$SHORT|"; done; printf '\n\n@opens[e2emacro]: %d' "$N")
  assert_eq "macros expand in a tracepoint probe; max_strlen truncates str()" "$expected" "$OUT"
fi

# 2. print_maps_on_exit = false in the config block: the same run prints no map at exit.
sed 's/config = { max_strlen = 9 }/config = { max_strlen = 9; print_maps_on_exit = false }/' \
  "$TMPD/trace.bt" >"$TMPD/nomaps.bt"
workload_start e2emacro "$WORK" || finish
bg_start nomaps "$TMPD/nomaps.bt" -- --pid="$WL_PID"
if wait_attached nomaps; then
  workload_run
  bg_stop nomaps INT
  assert_rc "SIGINT ends bpfscope (print_maps_on_exit = false)" 0 "$RC"
  expected=$(for ((i = 0; i < N; i++)); do echo "$SHORT|"; done)
  assert_eq "print_maps_on_exit = false: no map printed at exit" "$expected" "$OUT"
fi

# 3. The environment wins over the config block (as bpftrace documents): BPFTRACE_MAX_STRLEN and
#    BPFTRACE_PRINT_MAPS_ON_EXIT override the script's values.
workload_start e2emacro "$WORK" || finish
BPFTRACE_MAX_STRLEN=5 BPFTRACE_PRINT_MAPS_ON_EXIT=true bg_start envwins "$TMPD/nomaps.bt" -- \
  --pid="$WL_PID"
if wait_attached envwins; then
  workload_run
  bg_stop envwins INT
  expected=$(for ((i = 0; i < N; i++)); do echo "${TARGET:0:5}..|"; done; printf '\n\n@opens[e2emacro]: %d' "$N")
  assert_eq "BPFTRACE_* environment variables override the config block" "$expected" "$OUT"
fi
BPFSCOPE_MAX_STRLEN=0 bps -e 'BEGIN { exit(); }'
assert_nonzero "BPFSCOPE_MAX_STRLEN=0 is refused" "$RC"
assert_contains "the bad environment value is named" "$ERR" "Invalid value for BPFSCOPE_MAX_STRLEN: 0"

# 3a. Imported probes run too, the imported file's BEGIN first; a macro defined there is usable
#     here; errors inside an imported file name that file.
cat >"$TMPD/lib/hello.bt" <<'BT'
macro greet(who) { printf("hello %s\n", who) }
BEGIN { printf("lib begin\n"); }
BT
printf 'import "lib/hello.bt";\nBEGIN { greet("main"); exit(); }\n' >"$TMPD/imp.bt"
bps "$TMPD/imp.bt"
assert_rc "a script importing another" 0 "$RC"
assert_eq "the imported BEGIN runs first, the imported macro expands" "lib begin
hello main" "$OUT"
printf 'BEGIN { @x = undefined_function(); }\n' >"$TMPD/lib/broken.bt"
printf 'import "lib/broken.bt";\nBEGIN { exit(); }\n' >"$TMPD/impbad.bt"
bps "$TMPD/impbad.bt"
assert_nonzero "an error in an imported file" "$RC"
assert_contains "the error names the imported file" "$ERR" "$TMPD/lib/broken.bt:1:14-34: ERROR:"

# 3b. #include lines are accepted and ignored (kernel types come from BTF), which -v says.
printf '#include <linux/sched.h>\n#define GREETING "hi"\nBEGIN { printf("%%s\\n", GREETING); exit(); }\n' >"$TMPD/inc.bt"
bps -v "$TMPD/inc.bt"
assert_rc "a script with #include and #define" 0 "$RC"
assert_eq "#define substituted" "hi" "$(head -1 "$TMPD/last.out")"
assert_contains "-v notes the ignored #include" "$ERR" "#include <linux/sched.h>: ignored (kernel types come from BTF)"

# 4. getopt(): values after --, typed by the default; positional parameters on both sides of --.
bps -e 'BEGIN { print((getopt("aa", 1), getopt("bb"), getopt("name", "x"), getopt("neg", 0), $1, $2, $#)); exit(); }' \
  p1 -- --aa=20 --bb --name=hi --neg=-7 p2
assert_rc "getopt run" 0 "$RC"
assert_eq "named and positional parameters" "(20, true, hi, -7, p1, p2, 2)" "$OUT"
bps -e 'BEGIN { print((getopt("aa", 1), getopt("bb"), getopt("name", "x"))); exit(); }'
assert_eq "getopt defaults" "(1, false, x)" "$OUT"
bps -e 'BEGIN { print(getopt("aa", 1)); exit(); }' -- --zz=1
assert_nonzero "an option no getopt() asks for is refused" "$RC"
assert_contains "unknown option named" "$ERR" 'ERROR: Unexpected command line options: zz'
bps -e 'BEGIN { print(getopt("aa", 1)); exit(); }' -- --aa=many
assert_nonzero "a malformed value is refused" "$RC"
assert_contains "malformed value, located" "$ERR" "stdin:1:15-30: ERROR: Command line option 'aa' is expecting an integer. Got: many"

# 5a. missing_probes: an attach point that matches nothing is refused by default, skipped with a
#     warning (warn) or silently (ignore); the rest of the script runs.
MISSING='tracepoint:no_such_category:no_such_event, BEGIN { printf("ran\n"); exit(); }'
bps -e "$MISSING"
assert_nonzero "missing_probes = error (default): refused" "$RC"
assert_contains "the missing tracepoint is named" "$ERR" "ERROR: No matches for tracepoint no_such_category:no_such_event"
bps -e "config = { missing_probes = warn } $MISSING"
assert_rc "missing_probes = warn: runs" 0 "$RC"
assert_eq "missing_probes = warn: the other probe runs" "ran" "$OUT"
assert_contains "missing_probes = warn: a located warning" "$ERR" \
  "stdin:1:36-77: WARNING: No matches for tracepoint no_such_category:no_such_event. (skipped: missing_probes = warn)"
bps -e "config = { missing_probes = ignore } $MISSING"
assert_rc "missing_probes = ignore: runs" 0 "$RC"
assert_not_contains "missing_probes = ignore: no warning" "$ERR" "WARNING"
bps -e 'config = { missing_probes = ignore } tracepoint:no_such_category:x { }'
assert_nonzero "missing_probes = ignore with nothing left: refused" "$RC"
assert_contains "nothing left, said so" "$ERR" "no probe of the script exists here"
bps -e 'config = { missing_probes = ignore } tracepiont:sched:x, BEGIN { exit(); }'
assert_nonzero "an unknown provider is an error whatever missing_probes says" "$RC"

# 5. Where output goes. Every kind of program output (printf, print of a value and of a map,
#    maps at exit) goes to -o FILE in every -B mode; warnings and "Attached" go to stderr; -q
#    drops "Attached" only.
# (debugf() in END gives a compile-time warning.)
PROG='tracepoint:syscalls:sys_enter_openat /pid == getopt("pid", 0)/ { @n = count(); printf("open\n"); }
END { debugf("e2e"); print(42); print(@n); }'
for mode in none line full; do
  workload_start e2eout "$WORK" || finish
  bg_start "out_$mode" -B "$mode" -o "$TMPD/out_$mode.txt" -e "$PROG" -- --pid="$WL_PID"
  if wait_attached "out_$mode"; then
    workload_run
    # -B none and -B line write each record when it is handled; -B full holds them back.
    for ((i = 0; i < 200; i++)); do
      [ "$(grep -c open "$TMPD/out_$mode.txt")" == "$N" ] && break
      [ "$mode" == full ] && [ "$i" -ge 50 ] && break
      sleep 0.02
    done
    written=$(grep -c open "$TMPD/out_$mode.txt")
    if [ "$mode" == full ]; then
      assert_eq "-B full: nothing written while running (small output)" 0 "$written"
    else
      assert_eq "-B $mode: every printf is in the file while bpfscope still runs" "$N" "$written"
    fi
    bg_stop "out_$mode" INT
    assert_rc "-B $mode run" 0 "$RC"
    assert_eq "-B $mode: nothing on stdout" "" "$OUT"
    expected=$(for ((i = 0; i < N; i++)); do echo open; done; printf '42\n@n: %d\n\n\n@n: %d' "$N" "$N")
    assert_eq "-B $mode: -o FILE holds printf, print and the maps at exit" "$expected" \
      "$(cat "$TMPD/out_$mode.txt")"
    assert_contains "-B $mode: the warning is on stderr" "$ERR" \
      "WARNING: The debugf() builtin is not recommended for production use."
    assert_match "-B $mode: 'Attached 2 probes' on stderr" "$ERR" '^Attached 2 probes$'
  fi
done
bps -q -o "$TMPD/q.txt" -e 'BEGIN { debugf("q"); printf("q\n"); exit(); }'
assert_rc "-q run" 0 "$RC"
assert_not_contains "-q: no 'Attached' on stderr" "$ERR" "Attached"
assert_contains "-q: warnings still on stderr" "$ERR" "WARNING: The debugf() builtin"
assert_eq "-q: the output in the file" "q" "$(head -1 "$TMPD/q.txt")"

finish
