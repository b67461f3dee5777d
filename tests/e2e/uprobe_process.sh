#!/usr/bin/env bash
# Tracing one process: -p PID and -c CMD, with uprobe_target (built here) calling getpid() N times:
#   - uprobe:libc:getpid, uprobe:getpid (searched in the process) and a tracepoint with -p count
#     that process's calls only, while another copy runs unfiltered; interval is not filtered
#   - -c: cpid is the child's pid (= what its getpid() returns), no event of its start is lost
#     (main and _start fire once), bpfscope exits when the child exits, quoting in CMD
#   - errors: -p with no such process, -c with a missing command or a script error: nothing is
#     left running and the command never runs
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

if ! cc -O0 -o "$TMPD/prog" "$SRCDIR/tests/programs/uprobe_target.c" 2>"$TMPD/build.err"; then
  fail "cannot build uprobe_target" "$(cat "$TMPD/build.err")"
  finish
fi
cd "$TMPD" || finish

# wait_probes NAME N: waits until bpfscope NAME holds N perf events (its probes are attached).
wait_probes() {
  local pidvar="BG_PID_$1" i n
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    n=$(ls -l "/proc/${!pidvar}/fd" 2>/dev/null | grep -c 'perf_event')
    [ "$n" -ge "$2" ] && return 0
    sleep 0.01
  done
  fail "bpfscope $1 did not attach $2 probes" "$(cat "$TMPD/$1.err")"
  return 1
}

# 1. -p: a stopped uprobe_target calling getpid() 5 times; another copy calls it 7 times.
"$TMPD/prog" 5 stop &
TP=$!
EXTRA_PIDS+=("$TP")
for ((i = 0; i < 500; i++)); do
  [ "$(awk '{print $3}' "/proc/$TP/stat" 2>/dev/null)" == "T" ] && break
  sleep 0.01
done
LIBC=$(awk '$6 ~ /\/libc[.-]/ { print $6; exit }' "/proc/$TP/maps")
bg_start pfilter -p "$TP" -e 'uprobe:libc:getpid { @libc = count(); }
uprobe:getpid { @search[probe] = count(); }
uretprobe:getpid { @ret[retval] = count(); }
tracepoint:syscalls:sys_enter_getpid { @tp = count(); }
uprobe:add { @add = count(); }'
if wait_attached pfilter && wait_probes pfilter 5; then
  "$TMPD/prog" 7 # not traced
  kill -CONT "$TP"
  wait "$TP"
  bg_stop pfilter INT
  assert_rc "-p program exits 0 on SIGINT" 0 "$RC"
  assert_eq "-p: only the target's calls, by libc name, by search, by tracepoint; retval = its pid" "

@add: 5
@libc: 5
@ret[$TP]: 5
@search[uprobe:$LIBC:getpid]: 5
@tp: 5" "$OUT"
fi

# interval timers interrupt whatever runs: -p does not filter them, so this run ends.
RUN_TIMEOUT=10 bps -p "$$" -e 'interval:ms:10 { printf("tick\n"); exit(); }'
assert_rc "-p: an interval probe still fires" 0 "$RC"
assert_eq "-p: interval printed" "tick" "$OUT"

bps -p 999999999 -e 'BEGIN { }'
assert_rc "-p with no such process fails" 1 "$RC"
assert_eq "-p with no such process: clear error" "ERROR: -p: no process with pid 999999999" "$ERR"
bps -e 'uprobe:getpid { }'
assert_rc "uprobe:FUNC without -p fails" 1 "$RC"
assert_contains "uprobe:FUNC without -p: says what to write" "$ERR" \
  "HINT: write uprobe:PATH:getpid, or give -p PID to search that process's executable and libraries"

# 2. -c: cpid, events from the very start, exit with the child.
start=$(date +%s%N)
bps -c "./prog '3'" -e 'uprobe:./prog:_start { @start = count(); }
uprobe:./prog:main { @main[pid == cpid] = count(); }
uretprobe:libc:getpid /pid == cpid/ { @getpid_is_cpid[retval == cpid] = count(); }
uprobe:./prog:add /pid == cpid/ { printf("add %d %d\n", arg0, arg1); }'
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
assert_rc "-c: bpfscope exits 0 when the child exits" 0 "$RC"
assert_eq "-c: cpid is the child's pid, _start and main seen once" "add 1 10
add 2 20
add 3 30


@getpid_is_cpid[true]: 3
@main[true]: 1
@start: 1" "$OUT"
if [ "$elapsed_ms" -lt 10000 ]; then
  pass "-c: bpfscope exits soon after its child (${elapsed_ms} ms)"
else
  fail "-c: bpfscope took ${elapsed_ms} ms to exit after its child"
fi

bps -c 'sh -c "echo child says \$0" word' -e 'BEGIN { printf("begin %d\n", cpid > 0); }'
assert_rc "-c with BEGIN only: waits for the child" 0 "$RC"
assert_eq "-c: BEGIN runs before the child starts; quotes in CMD" "begin 1
child says word" "$OUT"

# 3. -c errors: nothing runs, nothing is left behind.
bps -c './no-such-program 1' -e 'uprobe:./prog:add { }'
assert_rc "-c with a missing program fails" 1 "$RC"
assert_eq "-c with a missing program: clear error" \
  "ERROR: -c: cannot run './no-such-program': No such file or directory" "$ERR"
bps -c 'no-such-command-xyz' -e 'BEGIN { }'
assert_eq "-c with an unknown command: clear error" \
  "ERROR: -c: cannot run 'no-such-command-xyz': command not found" "$ERR"

MARK="$TMPD/child-ran"
bps -c "touch $MARK" -e 'uprobe:./prog:no_such_function { }'
assert_rc "-c with a script error fails" 1 "$RC"
assert_contains "-c with a script error: the error is reported" "$ERR" "No function 'no_such_function'"
sleep 0.2
if [ -e "$MARK" ]; then
  fail "-c: the command ran although the script failed"
else
  pass "-c: the command never ran when the script failed"
fi
if pgrep -f "touch $MARK" >/dev/null; then
  fail "-c: a child is left running after an error"
else
  pass "-c: no child left running after an error"
fi

bps -c "touch '$TMPD/unbalanced" -e 'BEGIN { }'
assert_contains "-c with an unterminated quote" "$ERR" "ERROR: -c: unterminated single quote"

finish
