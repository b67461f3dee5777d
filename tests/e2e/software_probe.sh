#!/usr/bin/env bash
# software:EVENT:COUNT samples perf software events on every CPU: a workload that sleeps N times
# makes at least N context switches, each seen with count 1; page faults of a workload that
# touches fresh memory are counted too. hardware: probes say the machine has no PMU.
source "$(dirname "$0")/lib.sh"

N=20
workload_start e2ecs "for ((i = 0; i < $N; i++)); do sleep 0.01; done; exit 0" || finish
bg_start cs -e "software:context-switches:1 /pid == $WL_PID/ { @switches = count(); }"
if wait_attached cs; then
  workload_run
  bg_stop cs INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  switches=$(sed -n 's/^@switches: //p' <<<"$OUT")
  if [ -n "$switches" ] && [ "$switches" -ge "$N" ]; then
    pass "context switches of a workload sleeping $N times: $switches (>= $N)"
  else
    fail "expected at least $N context switches, got '$switches'"
    show_last "$OUT"
  fi
fi

workload_start e2efault "x=\$(printf '%8000000s' ''); exit 0" || finish
bg_start faults -e "software:page-faults:1 /comm == \"e2efault\"/ { @faults = count(); }"
if wait_attached faults; then
  workload_run
  bg_stop faults INT
  faults=$(sed -n 's/^@faults: //p' <<<"$OUT")
  if [ -n "$faults" ] && [ "$faults" -ge 100 ]; then
    pass "page faults of a workload filling 8 MB: $faults (>= 100)"
  else
    fail "expected at least 100 page faults, got '$faults'"
    show_last "$OUT"
  fi
fi

bps -e 'hardware:cycles:1000 { @ = count(); }'
assert_rc "hardware probe refused" 1 "$RC"
if [ -e /sys/bus/event_source/devices/cpu/type ]; then
  assert_contains "hardware probes are not supported yet" "$ERR" "hardware probes are not supported yet"
else
  assert_contains "no PMU is named as the reason" "$ERR" "no hardware performance counters"
fi

bps -e 'software:fault:1 { }'
assert_rc "unknown software event refused" 1 "$RC"
assert_contains "closest software event suggested" "$ERR" "Did you mean faults?"

finish
