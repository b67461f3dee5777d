#!/usr/bin/env bash
# Tracepoint arguments and the probe builtin, on workloads the test controls:
#   - str(args.filename) of sys_enter_openat (a uniquely named file), args->flags and args.mode
#   - args.dfd: an `int` in an 8-byte "signed:0" slot is typed by its declaration (AT_FDCWD = -100)
#   - a char-array field (sched_switch prev_comm): printed, used as a map key, compared to a string
#   - a __data_loc field (sched_process_exec filename)
#   - a wildcard tracepoint:syscalls:sys_enter_open* (attach count = what -l lists) with @[probe]
#   - the probe builtin in a probe with two attach points
source "$(dirname "$0")/lib.sh"

# 1. str(args.filename), args->flags, args.mode: O_WRONLY|O_CREAT|O_TRUNC (0x241) for '>',
#    O_WRONLY|O_CREAT|O_APPEND (0x441) for '>>', O_RDONLY for '<'; mode 0666 when creating.
F="$TMPD/uniq-$$-$RANDOM.txt"
workload_start e2eargs ": > '$F'; : >> '$F'; : < '$F'; exit 0" || finish
bg_start open -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { printf(\"%s flags=%x mode=%o\\n\", str(args.filename), args->flags, args.mode); @dfd[args.dfd] = count(); }"
if wait_attached open; then
  workload_run
  bg_stop open INT
  assert_rc "sys_enter_openat program exits 0 on SIGINT" 0 "$RC"
  assert_eq "str(args.filename), args->flags (%x), args.mode (%o) of three opens" "$F flags=241 mode=666
$F flags=441 mode=666
$F flags=0 mode=0


@dfd[-100]: 3" "$OUT"
fi

# 2. Char-array field: sched_switch's prev_comm when the workload blocks waiting for its child.
workload_start e2eswitch "sleep 0.05; exit 0" || finish
bg_start switch -e "tracepoint:sched:sched_switch /args.prev_pid == $WL_PID/ { @[args.prev_comm] = count(); }
tracepoint:sched:sched_switch /args.prev_comm == \"e2eswitch\" && args.prev_pid == $WL_PID/ { @eq = count(); }
tracepoint:sched:sched_switch /args.prev_pid == $WL_PID/ { @first = args.prev_comm; }
tracepoint:sched:sched_switch /args.prev_pid == $WL_PID/ { printf(\"prev=%s pid=%d\\n\", args.prev_comm, args.prev_pid); }"
if wait_attached switch; then
  workload_run
  bg_stop switch INT
  assert_rc "sched_switch program exits 0 on SIGINT" 0 "$RC"
  assert_match "char array printed with %s" "$OUT" "^prev=e2eswitch pid=$WL_PID\$"
  assert_match "char array as a map key" "$OUT" '^@\[e2eswitch\]: [1-9][0-9]*$'
  assert_match "char array compared with ==" "$OUT" '^@eq: [1-9][0-9]*$'
  assert_match "char array stored in a map" "$OUT" '^@first: e2eswitch$'
  n_key=$(printf '%s\n' "$OUT" | sed -n 's/^@\[e2eswitch\]: //p')
  n_eq=$(printf '%s\n' "$OUT" | sed -n 's/^@eq: //p')
  # (The string test is combined with the pid: the forked `sleep` is also named e2eswitch until
  # it execs.)
  assert_eq "the pid filter and the string filter count the same switches" "$n_key" "$n_eq"
fi

# 3. __data_loc field: sched_process_exec's filename, for an exec of a uniquely named binary.
EXE="$TMPD/e2eexec$RANDOM"
cp "$(command -v bash)" "$EXE"
workload_start e2epreexec "exec '$EXE' -c 'exit 0'" || finish
bg_start exec -e "tracepoint:sched:sched_process_exec /args.old_pid == $WL_PID/ { printf(\"%s %d %s\\n\", str(args.filename), args.pid, comm); }"
if wait_attached exec; then
  workload_run
  bg_stop exec INT
  assert_rc "sched_process_exec program exits 0 on SIGINT" 0 "$RC"
  assert_eq "str(args.filename) of a __data_loc field, args.pid, comm after exec" \
    "$EXE $WL_PID $(basename "$EXE" | cut -c1-15)" "$OUT"
fi

# 4. Wildcard attach point: every sys_enter_open* tracepoint is attached; @[probe] names the one
#    that fired. os.open is openat(2).
bps -l 'tracepoint:syscalls:sys_enter_open*'
n_listed=$(printf '%s\n' "$OUT" | grep -c '^tracepoint:syscalls:sys_enter_open')
N=9
pyworkload_start "
for i in range($N):
    os.close(os.open('$F', os.O_RDONLY))
os._exit(0)" || finish
bg_start wild -e "tracepoint:syscalls:sys_enter_open* /pid == $WL_PID/ { @[probe] = count(); }"
if wait_attached wild; then
  assert_match "wildcard attaches every listed tracepoint ($n_listed)" "$(cat "$TMPD/wild.err")" \
    "^Attached $n_listed probes"
  workload_run
  bg_stop wild INT
  assert_rc "wildcard program exits 0 on SIGINT" 0 "$RC"
  assert_eq "@[probe] under a wildcard names the tracepoint that fired" "

@[tracepoint:syscalls:sys_enter_openat]: $N" "$OUT"
fi

# 5. Two attach points, one body: probe tells them apart (map and printf).
pyworkload_start "
for i in range($N):
    os.close(os.open('$F', os.O_RDONLY))
os.close(os.open('$F', os.O_RDONLY))
os._exit(0)" || finish
bg_start multi -e "tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_close /pid == $WL_PID/ { @[probe] = count(); }
tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @last = probe; }"
if wait_attached multi; then
  assert_match "two attach points + one more probe = 3 attached" "$(cat "$TMPD/multi.err")" '^Attached 3 probes'
  workload_run
  bg_stop multi INT
  assert_rc "multi-attach program exits 0 on SIGINT" 0 "$RC"
  assert_eq "@[probe] counts each attach point separately (maps in name order)" "

@[tracepoint:syscalls:sys_enter_close]: $((N + 1))
@[tracepoint:syscalls:sys_enter_openat]: $((N + 1))
@last: tracepoint:syscalls:sys_enter_openat" "$OUT"
fi

pyworkload_start "os.close(os.open('$F', os.O_RDONLY)); os._exit(0)" || finish
bg_start pprobe -e "tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_close /pid == $WL_PID/ { printf(\"%s\\n\", probe); }"
if wait_attached pprobe; then
  workload_run
  bg_stop pprobe INT
  assert_eq "printf(\"%s\", probe) in a multi-attach probe" "tracepoint:syscalls:sys_enter_openat
tracepoint:syscalls:sys_enter_close" "$OUT"
fi

finish
