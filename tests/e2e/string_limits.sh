#!/usr/bin/env bash
# String limits as bpftrace v0.26 has them: str() of a string longer than max_strlen keeps
# max_strlen bytes and prints with config str_trunc_trailer (default ".."), a string that fits
# (even exactly) prints as it is; cat() prints at most max_cat_bytes of a file. Text and -f json,
# on the openat(2) calls of a workload this test starts.
source "$(dirname "$0")/lib.sh"

LONG="$TMPD/a-file-name-longer-than-sixteen-bytes"
echo hi >"$LONG"

workload_start strlim "exec 3<\"$LONG\" 4</etc/os-release 5</dev/null; true" || finish
bg_start text -e "config = { max_strlen = 16 } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { printf(\"<%s>\n\", str(args.filename)); }"
if wait_attached text; then
  workload_run
  bg_stop text INT
  assert_contains "a cut string ends with the default trailer" "$OUT" "<${LONG:0:16}..>"
  assert_contains "a string of exactly max_strlen - 1 bytes has no trailer" "$OUT" "</etc/os-release>"
  assert_contains "a short string has no trailer" "$OUT" "</dev/null>"
fi

workload_start strlim "exec 3<\"$LONG\"; true" || finish
bg_start trailer -e "config = { max_strlen = 16; str_trunc_trailer = \"[cut]\" } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @[str(args.filename)] = count(); }"
if wait_attached trailer; then
  workload_run
  bg_stop trailer INT
  assert_contains "config str_trunc_trailer, in a map key" "$OUT" "@[${LONG:0:16}[cut]]: 1"
fi

workload_start strlim "exec 3<\"$LONG\"; true" || finish
bg_start json -f json -e "config = { max_strlen = 16 } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { print(str(args.filename)); }"
for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
  grep -q attached_probes "$TMPD/json.out" 2>/dev/null && break
  sleep 0.01
done
workload_run
bg_stop json INT
assert_contains "JSON: the trailer is part of the string" "$OUT" "{\"type\": \"value\", \"data\": \"${LONG:0:16}..\"}"

# cat(): max_cat_bytes (default 10240) bounds what is printed of the file.
printf 'abcdefghij\n' >"$TMPD/catme"
bps -e "config = { max_cat_bytes = 5 } BEGIN { cat(\"$TMPD/catme\"); printf(\"|\n\"); exit(); }"
assert_eq "cat() stops at max_cat_bytes" "abcde|" "$OUT"
bps -f json -e "config = { max_cat_bytes = 3 } BEGIN { cat(\"$TMPD/catme\"); exit(); }"
assert_contains "cat() in JSON, cut too" "$OUT" '{"type": "cat", "data": "abc"}'
bps -e "BEGIN { cat(\"$TMPD/catme\"); exit(); }"
assert_eq "cat() of a small file with the default limit" "abcdefghij" "$OUT"

finish
