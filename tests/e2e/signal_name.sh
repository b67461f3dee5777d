#!/usr/bin/env bash
# signal_name(): signal numbers as bpftrace v0.26 prints them (strsignal(3)'s descriptions, "N/A"
# outside 0..64), text and -f json, from constants and from a real kill(2) of a workload.
source "$(dirname "$0")/lib.sh"

golden "constants, text" 'BEGIN {
  printf("%s|%s|%s|%s|%s\n", signal_name(2), signal_name(9), signal_name(0), signal_name(34), signal_name(99));
  print(signal_name(15));
  @[signal_name(11)] = count();
  exit();
}' <<'EOF'
Interrupt|Killed|Unknown signal 0|Real-time signal 0|N/A
Terminated


@[Segmentation fault]: 1
EOF

golden "constants, JSON" 'BEGIN { print(signal_name(1)); printf("%s\n", signal_name(-1)); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": "Hangup"}
{"type": "printf", "data": "N/A\n"}
EOF

# A workload sends SIGHUP and SIGUSR2 to a pid that does not exist: the probe names the signals.
workload_start signame 'kill -HUP 2147483646 2>/dev/null; kill -USR2 2147483646 2>/dev/null; true' || finish
bg_start kill -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { @[signal_name(args.sig)] = count(); }
tracepoint:syscalls:sys_exit_kill /pid == $WL_PID/ { @n++; if (@n == 2) { exit(); } }
END { clear(@n); }"
if wait_attached kill; then
  workload_run
  bg_wait kill 10
  assert_eq "signals of a real kill(2)" "$(printf '\n\n@[Hangup]: 1\n@[User defined signal 2]: 1')" "$OUT"
fi

finish
