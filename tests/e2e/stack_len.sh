#!/usr/bin/env bash
# len(kstack) and len(ustack): the depth of the stack where the probe fired, checked against the
# frames print(kstack)/print(ustack) show for the same event, and frame limits (kstack(2)), on
# a kill(2) of a workload this test starts; text and -f json.
source "$(dirname "$0")/lib.sh"

workload_start stacklen 'kill -0 $$; true' || finish
bg_start len -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  printf(\"k %d u %d k2 %d u1 %d\n\", len(kstack), len(ustack), len(kstack(2)), len(ustack(1)));
  printf(\"--kernel\n\"); print(kstack); printf(\"--user\n\"); print(ustack); printf(\"--end\n\");
  exit();
}"
if wait_attached len; then
  workload_run
  bg_wait len 10
  assert_rc "exits by itself" 0 "$RC"
  read -r _ K _ U _ K2 _ U1 <<<"$(grep '^k ' <<<"$OUT")"
  KFRAMES=$(awk '/^--kernel/{on=1; next} /^--user/{on=0} on && NF' <<<"$OUT" | wc -l)
  UFRAMES=$(awk '/^--user/{on=1; next} /^--end/{on=0} on && NF' <<<"$OUT" | wc -l)
  assert_eq "len(kstack) is the number of frames print(kstack) shows" "$KFRAMES" "$K"
  # bpf_get_stack counts every frame the unwinder produced; printing stops at a zero frame
  # (bash has no frame pointers, so its last frame may be one): at least the printed ones.
  if [ "${U:-0}" -ge "$UFRAMES" ] && [ "$UFRAMES" -ge 1 ] && [ "${U:-0}" -le 127 ]; then
    pass "len(ustack) ($U) counts the $UFRAMES frames print(ustack) shows, at most 127"
  else
    fail "len(ustack) is '$U' but print(ustack) shows $UFRAMES frames" "$OUT"
  fi
  assert_eq "len(kstack(2)) is capped at the limit" "2" "$K2"
  assert_eq "len(ustack(1)) is capped at the limit" "1" "$U1"
  if [ "${K:-0}" -lt 3 ]; then
    fail "a system call's kernel stack has at least 3 frames (len gave '$K')" "$OUT"
  else
    pass "a system call's kernel stack has at least 3 frames ($K)"
  fi
fi

# JSON: len() is a plain integer value.
workload_start stacklen 'kill -0 $$; true' || finish
bg_start json -f json -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { print(len(kstack(3))); exit(); }"
# (in JSON mode "attached" is a record on stdout)
for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
  grep -q attached_probes "$TMPD/json.out" 2>/dev/null && break
  sleep 0.01
done
if grep -q attached_probes "$TMPD/json.out"; then
  workload_run
  bg_wait json 10
  assert_contains "JSON value" "$OUT" '{"type": "value", "data": 3}'
else
  fail "bpfscope -f json did not attach" "$(cat "$TMPD/json.out" "$TMPD/json.err")"
fi

finish
