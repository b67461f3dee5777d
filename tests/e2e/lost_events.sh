#!/usr/bin/env bash
# Lost events: with a ring buffer of one page (BPFTRACE_PERF_RB_PAGES=1) and a workload that
# makes 100000 system calls as fast as it can, each printing a record, the buffer really
# overflows. Every event is then either printed or counted as lost: the printed lines plus the
# "Lost N events" count (text, on stderr) or the lost_events record (JSON) add up exactly to the
# number of system calls.
source "$(dirname "$0")/lib.sh"

CALLS=100000
prog='tracepoint:syscalls:sys_enter_getppid /pid == WLPID/ {
  printf("%d %d %d %d\n", nsecs, nsecs, nsecs, nsecs);
}'

run_overflow() { # FORMAT
  local fmt=$1
  pyworkload_start "for _ in range($CALLS): os.getppid()" || return 1
  BPFTRACE_PERF_RB_PAGES=1 bg_start "lost_$fmt" -f "$fmt" -o "$TMPD/lost_$fmt.txt" \
    -e "${prog//WLPID/$WL_PID}"
  if [ "$fmt" == json ]; then # the attached_probes record goes to the output file
    local i
    for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
      grep -q attached_probes "$TMPD/lost_$fmt.txt" 2>/dev/null && break
      sleep 0.01
    done
    grep -q attached_probes "$TMPD/lost_$fmt.txt" || {
      fail "json: bpfscope did not attach" "$(cat "$TMPD/lost_$fmt.err")"
      return 1
    }
  else
    wait_attached "lost_$fmt" || return 1
  fi
  workload_run
  bg_stop "lost_$fmt" INT
}

# --- text
if run_overflow text; then
  assert_rc "text: exit status 0" 0 "$RC"
  printed=$(grep -c . "$TMPD/lost_text.txt")
  lost=$(printf '%s\n' "$ERR" | sed -n 's/^Lost \([0-9]*\) events$/\1/p')
  if [ -n "$lost" ] && [ "$lost" -gt 0 ]; then
    pass "text: 'Lost N events' on stderr (N=$lost, printed $printed)"
  else
    fail "text: no 'Lost N events' line although the buffer is one page" "$ERR"
  fi
  assert_eq "text: printed + lost = system calls made" "$CALLS" "$((printed + ${lost:-0}))"
  assert_not_contains "text: the count is not in the trace output" "$(cat "$TMPD/lost_text.txt")" "Lost"
fi

# --- JSON: the count is a lost_events record in the output.
if run_overflow json; then
  assert_rc "json: exit status 0" 0 "$RC"
  printed=$(grep -c '"type": "printf"' "$TMPD/lost_json.txt")
  assert_eq "json: nothing on stderr" "" "$ERR"
  lost=$(sed -n 's/^{"type": "lost_events", "count": \([0-9]*\), "data": {"events": \1}}$/\1/p' \
    "$TMPD/lost_json.txt")
  if [ -n "$lost" ] && [ "$lost" -gt 0 ]; then
    pass "json: lost_events record (events=$lost, printed $printed)"
  else
    fail "json: no lost_events record" "$(tail -3 "$TMPD/lost_json.txt")"
  fi
  assert_eq "json: printed + lost = system calls made" "$CALLS" "$((printed + ${lost:-0}))"
  assert_eq "json: the lost_events record is the last line" \
    "{\"type\": \"lost_events\", \"count\": $lost, \"data\": {\"events\": $lost}}" \
    "$(tail -1 "$TMPD/lost_json.txt")"
fi

finish
