#!/usr/bin/env bash
# The standard library functions added after the first ones, run for real with the exact output
# compared (text and -f json): ntop, pton, macaddr, strstr, memcmp, syscall_name, strftime,
# cgroup_path, cat, system/signal (--unsafe), assert, pcomm, probetype, nsecs(sw_tai); on real
# probes, with workloads this test starts.
source "$(dirname "$0")/lib.sh"

golden "addresses and byte functions" 'BEGIN {
  printf("%s|%s|%s|%s\n", ntop(0x0100007f), ntop(pton("fe80::1:2")), ntop(2, pton("10.1.2.3")), macaddr("\x18\xc0\x4d\x08\x2e\xbb"));
  printf("%d %d %d %d\n", strstr("hello world", "wor"), strstr("abc", "x"), strstr("abc", ""), strstr("", "a"));
  printf("%d %d %d\n", memcmp("abc", "abd", 3), memcmp("abc", "abd", 2), memcmp("b", "a", 1));
  print(pton("1.2.3.4"));
  print(syscall_name(59));
  @[ntop(0x0101a8c0)] = count();
  exit();
}' <<'EOF'
127.0.0.1|fe80::1:2|10.1.2.3|18:C0:4D:08:2E:BB
6 -1 0 -1
-1 0 1
[1,2,3,4]
execve


@[192.168.1.1]: 1
EOF

golden "JSON: addresses as strings, pton as an array" 'BEGIN { print(ntop(0x0100007f)); print(pton("1.2.3.4")); print(syscall_name(0)); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": "127.0.0.1"}
{"type": "value", "data": [1,2,3,4]}
{"type": "value", "data": "read"}
EOF

# On a real probe: a workload named "stdlib" sends signal 0 to pid 0x0100007f (no such process),
# so sys_enter_kill sees an integer that reads as 127.0.0.1, and its comm's bytes are a MAC.
workload_start stdlib 'kill -0 16777343 2>/dev/null; true' || finish
bg_start kill -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  printf(\"%s %s %d %d %s\n\", ntop(args.pid), macaddr(comm), strstr(comm, \"lib\"), memcmp(comm, \"stdlab\", 6), probetype);
  exit();
}
tracepoint:raw_syscalls:sys_enter /pid == $WL_PID && args.id == 62/ { printf(\"%s\n\", syscall_name(args.id)); }"
if wait_attached kill; then
  workload_run
  bg_wait kill 10
  # (the two tracepoints fire at the same syscall entry, in no promised order)
  assert_eq "ntop, macaddr, strstr, memcmp, probetype, syscall_name on the kill syscall" \
    "$(printf '127.0.0.1 73:74:64:6C:69:62 3 8 tracepoint\nkill')" "$(sort <<<"$OUT")"
fi

# strftime: the probe's timestamp as the local date, %f its microseconds.
workload_start stdlib 'kill -0 16777343 2>/dev/null; true' || finish
bg_start strftime -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  printf(\"%s|%s\n\", strftime(\"%Y-%m-%d\", nsecs), strftime(\"%H:%M:%S.%f\", nsecs)); exit();
}"
if wait_attached strftime; then
  TODAY=$(date +%Y-%m-%d)
  workload_run
  bg_wait strftime 10
  assert_match "strftime: today's date and a time with microseconds" \
    "^$TODAY\|[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}$" "$OUT"
fi

# cat: the file named by the formatted text (here after the workload's comm), printed in user
# space.
printf 'first line\nsecond line\n' >"$TMPD/cat-stdlib"
workload_start stdlib 'kill -0 16777343 2>/dev/null; true' || finish
bg_start cat -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { cat(\"$TMPD/cat-%s\", comm); exit(); }"
if wait_attached cat; then
  workload_run
  bg_wait cat 10
  assert_eq "cat prints the file named after the workload's comm" \
    "$(printf 'first line\nsecond line')" "$OUT"
fi
golden "JSON: cat records" 'BEGIN { cat("/proc/sys/kernel/ostype"); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "cat", "data": "Linux\n"}
EOF
bps -e 'BEGIN { cat("/nonexistent/%s", "file"); exit(); }'
assert_contains "cat: a missing file is an error on stderr" "$ERR" \
  "ERROR: failed to open file '/nonexistent/file': No such file or directory"

# pcomm: the process's name from a thread named otherwise.
pyworkload_start "
import ctypes, threading
libc = ctypes.CDLL(None)
def work():
    libc.prctl(15, b'worker', 0, 0, 0)  # PR_SET_NAME
    os.getppid()
t = threading.Thread(target=work)
t.start()
t.join()
" || finish
bg_start pcomm -e "tracepoint:syscalls:sys_enter_getppid /pid == $WL_PID/ { printf(\"%s %s\n\", comm, pcomm); exit(); }"
if wait_attached pcomm; then
  workload_run
  bg_wait pcomm 10
  assert_eq "pcomm is the group leader's comm" "worker python3" "$OUT"
fi

# system (--unsafe): the command's stdout, text and JSON.
golden "system runs the formatted command" 'BEGIN { system("echo %s-%d", "x", 5); exit(); }' --unsafe <<'EOF'
x-5


EOF
golden "JSON: system records" 'BEGIN { system("echo hi"); exit(); }' --unsafe -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "syscall", "data": "hi\n"}
EOF

# signal (--unsafe): SIGKILL to the child as it starts sleeping; the run ends with it, long before
# the sleep would have.
START=$(date +%s%N)
bps --unsafe -c '/bin/sleep 20' -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { signal("SIGKILL"); }'
ELAPSED_MS=$((($(date +%s%N) - START) / 1000000))
assert_rc "signal(SIGKILL): bpfscope exits normally" 0 "$RC"
if [ "$ELAPSED_MS" -lt 15000 ]; then
  pass "signal(SIGKILL) ended the child's sleep (${ELAPSED_MS} ms)"
else
  fail "the child slept on: ${ELAPSED_MS} ms" "$ERR"
fi

# assert: the message and exit status 1 when the condition fails on a real probe.
workload_start stdlib 'kill -0 16777343 2>/dev/null; true' || finish
bg_start assert -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { assert(args.sig == 0, \"sig is 0\"); assert(args.sig == 9, \"sig is 9\"); printf(\"not reached\n\"); }"
if wait_attached assert; then
  workload_run
  bg_wait assert 10
  assert_rc "assert: exit status 1" 1 "$RC"
  assert_eq "assert: only the failed message" "Assertion failed. Msg: sig is 9" "$OUT"
fi

# cgroup_path: a workload in a cgroup of its own, found by its id in the cgroup2 hierarchy (the
# filters keep the cgroup v1 hierarchies out, where the same number may name something else;
# cgroup_path.sh checks those).
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -n "$CG2" ] && mkdir "$CG2/bpfscope-e2e-$$" 2>/dev/null; then
  workload_start stdlib 'kill -0 16777343 2>/dev/null; true' || finish
  echo "$WL_PID" >"$CG2/bpfscope-e2e-$$/cgroup.procs"
  bg_start cgroup -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { print(cgroup_path(cgroup, \"uni*\")); print(cgroup_path(cgroup, \"xyz*\")); exit(); }"
  if wait_attached cgroup; then
    workload_run
    bg_wait cgroup 10
    assert_eq "cgroup_path names the workload's cgroup; a filter can exclude it" \
      "$(printf 'unified:/bpfscope-e2e-%s\n' $$)" "$OUT"
  fi
  rmdir "$CG2/bpfscope-e2e-$$"
else
  echo "      (no writable cgroup2 hierarchy: cgroup_path's real-cgroup check not run)"
fi

golden "nsecs(sw_tai) approximates nsecs(tai); nsecs is the boot clock" 'BEGIN { $a = nsecs(sw_tai); $t = nsecs(tai); $d = $t > $a ? $t - $a : $a - $t; $b = nsecs(boot); $n = nsecs; printf("%d %d\n", $d < 1000000, $n - $b < 1000000); exit(); }' <<'EOF'
1 1


EOF

bps -e 'BEGIN { if ($1 < 2) { fail("Expected more than 1. Got %d", $1); } exit(); }' 1
assert_rc "fail: a compile error when reached" 1 "$RC"
assert_contains "fail: the formatted message at the call" "$ERR" "stdin:1:23-63: ERROR: Expected more than 1. Got 1"
bps -e 'BEGIN { if ($1 < 2) { fail("Expected more than 1. Got %d", $1); } printf("ok\n"); exit(); }' 5
assert_rc "fail: nothing when the branch is not taken" 0 "$RC"
assert_eq "fail: the program runs" "ok" "$OUT"

# tseries: three kill(2) calls by the workload, in one interval of an hour: the sum of sig + 1
# and, per comm, the max of sig + 2. Row times are the interval's start (HH:00:00 here).
TSERIES_TEXT='@:
         2                                                   4
hh:mm:ss |___________________________________________________|
HH:00:00 |                         *                         | 3
         v___________________________________________________v
         2                                                   4

@k[stdlib]:
         1                                                   3
hh:mm:ss |___________________________________________________|
HH:00:00 |                         *                         | 2
         v___________________________________________________v
         1                                                   3'
TSERIES_JSON='{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "tseries", "data": {"@": [{"interval_start":"DATE HH:00:00.000000000","value":3}]}}
{"type": "tseries", "data": {"@k": {"stdlib": [{"interval_start":"DATE HH:00:00.000000000","value":2}]}}}'
for fmt in text json; do
  workload_start stdlib 'kill -0 16777343 2>/dev/null; kill -0 16777343 2>/dev/null; kill -0 16777343 2>/dev/null; true' || finish
  bg_start "tseries_$fmt" -f "$fmt" -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
    @ = tseries(args.sig + 1, 3600000000000, 5, \"sum\");
    @k[comm] = tseries(args.sig + 2, 3600000000000, 5, \"max\");
  }"
  # (-f json: the attached_probes record goes to stdout, not "Attached" to stderr)
  attached=1
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    grep -q 'Attached\|attached_probes' "$TMPD/tseries_$fmt.err" "$TMPD/tseries_$fmt.out" 2>/dev/null && {
      attached=0
      break
    }
    sleep 0.01
  done
  [ "$attached" == 0 ] || fail "tseries ($fmt) did not attach" "$(cat "$TMPD/tseries_$fmt.err")"
  if [ "$attached" == 0 ]; then
    workload_run
    bg_stop "tseries_$fmt" INT
    if [ "$fmt" == text ]; then
      assert_eq "tseries: the text charts of a sum and of a keyed max" "$TSERIES_TEXT" \
        "$(sed -E 's/^[0-9]{2}:00:00 /HH:00:00 /' <<<"$OUT" | sed '/./,$!d')"
    else
      assert_eq "tseries: JSON records" "$TSERIES_JSON" \
        "$(sed -E 's/"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:00:00/"DATE HH:00:00/g' <<<"$OUT")"
    fi
  fi
done

# join: the argv of a program the workload executes, with the default and a given separator
# (text), and in JSON; at most 16 strings are joined.
for fmt in text json; do
  workload_start stdlib "exec /bin/echo one 'two three' four >/dev/null" || finish
  bg_start "join_$fmt" -f "$fmt" -e "tracepoint:syscalls:sys_enter_execve /pid == $WL_PID/ { join(args.argv); join(args.argv, \",\"); exit(); }"
  attached=1
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    grep -q 'Attached\|attached_probes' "$TMPD/join_$fmt.err" "$TMPD/join_$fmt.out" 2>/dev/null && {
      attached=0
      break
    }
    sleep 0.01
  done
  [ "$attached" == 0 ] || fail "join ($fmt) did not attach" "$(cat "$TMPD/join_$fmt.err")"
  if [ "$attached" == 0 ]; then
    workload_run
    bg_wait "join_$fmt" 10
    if [ "$fmt" == text ]; then
      assert_eq "join: argv joined by spaces, then by commas" \
        "$(printf '/bin/echo one two three four\n/bin/echo,one,two three,four')" "$OUT"
    else
      assert_eq "join: JSON records" "$(printf '%s\n' \
        '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}' \
        '{"type": "join", "data": "/bin/echo one two three four"}' \
        '{"type": "join", "data": "/bin/echo,one,two three,four"}')" "$OUT"
    fi
  fi
done

# len: the number of keys of a map, counted in BPF as the workload's kill(2) calls add them.
workload_start stdlib 'kill -0 16777343 2>/dev/null; kill -1 16777343 2>/dev/null; kill -1 16777343 2>/dev/null; true' || finish
bg_start len -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ { @sigs[args.sig] = count(); printf(\"%d\n\", len(@sigs)); }
tracepoint:syscalls:sys_exit_kill /pid == $WL_PID && len(@sigs) == 2/ { @done = len(@sigs); }"
if wait_attached len; then
  workload_run
  for ((i = 0; i < 500; i++)); do # until the three lines are printed (up to 5 s)
    [ "$(grep -c . "$TMPD/len.out")" -ge 3 ] && break
    sleep 0.01
  done
  bg_stop len INT
  assert_eq "len: keys counted as they are added, also in a predicate" \
    "$(printf '1\n2\n2\n\n\n@done: 2\n@sigs[0]: 1\n@sigs[1]: 2')" "$OUT"
fi

finish
