#!/usr/bin/env bash
# Strings larger than the 512-byte BPF stack, which live in the per-CPU scratch map
# (codegen/scratch_layout.h): with bpftrace v0.26's default max_strlen of 1024, str() of a
# ~900-byte path the workload opens prints whole, as a map key, in a tuple, in a variable and
# compared; max_strlen = 300 cuts it with the trailer; 4096-byte strings compare; buf(p, 512)
# prints 512 bytes; join() gives an argument max_strlen - 1 bytes.
source "$(dirname "$0")/lib.sh"

# Nested directories of 100-byte names under the test's directory, then a file name that brings
# the whole path to exactly 900 bytes.
DIR=$TMPD
SEGMENT=$(printf 'd%.0s' {1..99})
while [ $((${#DIR} + 101)) -lt 800 ]; do
  DIR="$DIR/$SEGMENT"
done
mkdir -p "$DIR" || finish
NAME_LEN=$((900 - ${#DIR} - 1))
LONG="$DIR/$(printf 'f%.0s' $(seq 1 "$NAME_LEN"))"
echo hi >"$LONG" || finish
assert_eq "the workload's path is 900 bytes" 900 "${#LONG}"

# The workload opens the long path (and a short one, so that the comparison below has a path
# that differs) from Python, so that no other openat of its precedes them unseen.
open_both() {
  pyworkload_start "os.close(os.open('$LONG', os.O_RDONLY)); os.close(os.open('/dev/null', os.O_RDONLY))"
}

open_both || finish
bg_start default -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ {
  \$s = str(args.filename);
  printf(\"<%s>\n\", \$s);
  @keys[str(args.filename)] = count();
  @tuple[\$s == \"/dev/null\"] = (\$s, 7);
  if (\$s == \"$LONG\") { printf(\"equal\n\"); }
  if (strcontains(\$s, \"ffff\")) { printf(\"contains\n\"); }
  printf(\"strstr %d\n\", strstr(\$s, \"/dev\"));
}"
if wait_attached default; then
  workload_run
  bg_stop default INT
  assert_contains "default max_strlen: str() prints the 900-byte path whole" "$OUT" "<$LONG>"
  assert_not_contains "default max_strlen: no trailer" "$OUT" "$LONG.."
  assert_contains "the path as a map key" "$OUT" "@keys[$LONG]: 1"
  assert_contains "the short path as a map key" "$OUT" "@keys[/dev/null]: 1"
  assert_contains "the path in a tuple map value" "$OUT" "@tuple[false]: ($LONG, 7)"
  assert_contains "a short string in the same tuple slot" "$OUT" "@tuple[true]: (/dev/null, 7)"
  assert_eq "== and strcontains match the long path only" 1 "$(grep -c '^equal$' <<<"$OUT")"
  assert_eq "strcontains finds the file name's letters once" 1 "$(grep -c '^contains$' <<<"$OUT")"
  assert_contains "strstr in the short path" "$OUT" "strstr 0"
  assert_contains "strstr finds nothing in the long path" "$OUT" "strstr -1"
fi

open_both || finish
bg_start cut -e "config = { max_strlen = 300 } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { printf(\"<%s>\n\", str(args.filename)); @[str(args.filename)] = count(); }"
if wait_attached cut; then
  workload_run
  bg_stop cut INT
  assert_contains "max_strlen = 300 keeps 300 bytes and the trailer" "$OUT" "<${LONG:0:300}..>"
  assert_contains "the cut string as a map key" "$OUT" "@[${LONG:0:300}..]: 1"
  assert_contains "a short string is not cut" "$OUT" "</dev/null>"
fi

# max_strlen = 4096: comparisons of strings over 2048 bytes step through a bpf_loop.
open_both || finish
bg_start big -e "config = { max_strlen = 4096 } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ {
  \$s = str(args.filename); \$t = str(args.filename);
  printf(\"%d %d %d %d\n\", \$s == \$t, \$s == \"$LONG\", strncmp(\$s, \"/dev/null\", 4096), strlen(\$s));
}"
if wait_attached big; then
  workload_run
  bg_stop big INT
  assert_eq "max_strlen = 4096: ==, strncmp and strlen of 4096-byte strings" "1 1 1 900
1 0 0 9" "$OUT"
fi

open_both || finish
bg_start buf -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { printf(\"<%r>\n\", buf(args.filename, 512)); }"
if wait_attached buf; then
  workload_run
  bg_stop buf INT
  assert_contains "buf(p, 512) prints 512 bytes" "$OUT" "<${LONG:0:512}>"
fi

# join(): each argument gets max_strlen - 1 bytes, 1023 by default.
ARG=$(printf 'x%.0s' {1..1100})
workload_start joinwl "exec /bin/echo $ARG short >/dev/null" || finish
bg_start join -e "tracepoint:syscalls:sys_enter_execve /pid == $WL_PID/ { join(args.argv, \"|\"); exit(); }"
if wait_attached join; then
  workload_run
  bg_wait join 10
  assert_eq "join() cuts an argument to 1023 bytes" "/bin/echo|${ARG:0:1023}|short" "$OUT"
fi

finish
