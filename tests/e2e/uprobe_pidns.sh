#!/usr/bin/env bash
# bpfscope inside a new PID namespace (unshare --pid --fork --mount-proc): pid and tid are the ids
# seen from that namespace, -p takes them, and cpid is one too.
#   - a tracepoint on getppid prints the pid of a process that also reports its own $$
#   - -p NSPID with uprobe:libc:getpid counts that process's calls, keyed by pid
#   - -c: getpid()'s return value, pid and cpid agree
source "$(dirname "$0")/lib.sh"

unshare --pid --fork --mount-proc true 2>/dev/null ||
  skip "cannot create a PID namespace here (kernel without CONFIG_PID_NS?)"
[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

if ! cc -O0 -o "$TMPD/prog" "$SRCDIR/tests/programs/uprobe_target.c" 2>"$TMPD/build.err"; then
  fail "cannot build uprobe_target" "$(cat "$TMPD/build.err")"
  finish
fi
cp "$(command -v bash)" "$TMPD/e2epidns"

# The script run as pid 1 of the new namespace; it writes what it sees to $TMPD/*.
cat >"$TMPD/inside.sh" <<'EOF'
B=$1 T=$2
cd "$T" || exit 1
# wait_probes PID N: until process PID holds N perf events (attached), at most 15 s.
wait_probes() {
  for ((i = 0; i < 1500; i++)); do
    [ "$(ls -l "/proc/$1/fd" 2>/dev/null | grep -c perf_event)" -ge "$2" ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# 1. bash calls getppid() as it starts: its pid, as bpfscope prints it, must be its $$.
"$B" -e 'tracepoint:syscalls:sys_enter_getppid /comm == "e2epidns"/ { printf("%d %d\n", pid, tid); exit(); }' \
  >tp.out 2>tp.err &
BP=$!
wait_probes $BP 1 || echo "bpfscope did not attach" >>tp.err
./e2epidns -c 'echo $$ >target.pid'
wait $BP
echo "rc=$?" >>tp.err

# 2. -p with a pid of this namespace.
./prog 3 stop &
TP=$!
for ((i = 0; i < 500; i++)); do
  [ "$(awk '{print $3}' "/proc/$TP/stat" 2>/dev/null)" == "T" ] && break
  sleep 0.01
done
echo $TP >p.pid
"$B" -p $TP -e 'uprobe:libc:getpid { @[pid] = count(); }' >p.out 2>p.err &
BP=$!
wait_probes $BP 1 || echo "bpfscope -p did not attach" >>p.err
kill -CONT $TP
wait $TP
kill -INT $BP
wait $BP
echo "rc=$?" >>p.err

# 3. -c: the child's pid in this namespace.
"$B" -c './prog 2' -e 'uretprobe:libc:getpid /pid == cpid/ { @[retval == cpid, retval] = count(); }' \
  >c.out 2>c.err
echo "rc=$?" >>c.err
EOF

timeout -k 5 60 unshare --pid --fork --mount-proc bash "$TMPD/inside.sh" "$BPFSCOPE" "$TMPD" \
  >"$TMPD/inside.log" 2>&1
assert_rc "the namespace script ran to the end" 0 "$?"

target=$(cat "$TMPD/target.pid" 2>/dev/null)
# (bash calls getppid() more than once before exit() takes effect: every line must agree.)
OUT=$(grep -v "^$" "$TMPD/tp.out" 2>/dev/null | sort -u)
assert_eq "pid and tid of the getppid caller are its \$\$ in the namespace" "$target $target" "$OUT"
assert_contains "tracepoint run exited by itself" "$(cat "$TMPD/tp.err")" "rc=0"

ns_pid=$(cat "$TMPD/p.pid" 2>/dev/null)
OUT=$(cat "$TMPD/p.out" 2>/dev/null)
assert_eq "-p with a namespace pid: that process's getpid calls, keyed by its namespace pid" "

@[$ns_pid]: 3" "$OUT"

OUT=$(cat "$TMPD/c.out" 2>/dev/null)
assert_match "-c in a namespace: getpid() returns cpid" "$OUT" '^@\[true, [0-9]+\]: 2$'
child=$(printf '%s\n' "$OUT" | sed -n 's/^@\[true, \([0-9]*\)\]: 2$/\1/p')
if [ -n "$child" ] && [ "$child" -lt 100 ]; then
  pass "-c in a namespace: cpid ($child) is a small namespace pid"
else
  fail "-c in a namespace: cpid is not a namespace pid" "$OUT"
fi
if [ "$FAILS" -gt 0 ]; then
  echo "      --- inside.log ---"
  sed 's/^/      | /' "$TMPD/inside.log" "$TMPD"/*.err
fi

finish
