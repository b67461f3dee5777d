#!/usr/bin/env bash
# rawtracepoint (alias rt): on a kernel with BTF it runs as tp_btf, with the tracepoint's
# arguments typed and named from BTF (args.id, args.regs) as well as arg0..N. A python workload
# calls getppid() exactly N times; raw_syscalls' sys_enter sees them with id == __NR_getppid.
source "$(dirname "$0")/lib.sh"

NR_GETPPID=110 # x86-64
N=9
pyworkload_start "for _ in range($N):
    os.getppid()" || finish
bg_start count -v -e "rawtracepoint:sys_enter /pid == $WL_PID && arg1 == $NR_GETPPID/ { @by_arg = count(); }
rt:sys_enter /pid == $WL_PID && args.id == $NR_GETPPID/ { @by_name = count(); @regs_set[args.regs != 0] = count(); }
$READY_PROBE"
if wait_ready count; then
  workload_run
  bg_stop count INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "arg1 and args.id count every getppid() of the workload, and only those" \
    "@by_arg: $N
@by_name: $N
@regs_set[true]: $N" "$(printf '%s\n' "$OUT" | grep '^@')"
  if [ -e /sys/kernel/btf/vmlinux ]; then
    assert_contains "-v: the raw tracepoint runs as tp_btf" "$ERR" \
      "rawtracepoint:sys_enter runs as tp_btf (typed arguments from BTF)"
    assert_match "-v: a tracing program" "$ERR" '^Program rawtracepoint:sys_enter: type tracing'
  fi
fi

bps -l 'rawtracepoint:sys_ent*'
assert_eq "-l lists raw tracepoints" "rawtracepoint:sys_enter" "$OUT"

bps -e 'rawtracepoint:sys_e* { @[probe] = count(); exit(); }'
assert_rc "a wildcard attaches every match" 0 "$RC"
assert_match "sys_enter and sys_exit both attached" "$ERR" '^Attached 2 probes'

bps -e 'rawtracepoint:sys_entr { @ = count(); }'
assert_rc "an unknown raw tracepoint is an error" 1 "$RC"
assert_contains "the closest names are suggested" "$ERR" "HINT: Did you mean sys_enter?"

bps -e 'rawtracepoint:sys_enter { @ = args.nope; }'
assert_rc "an unknown argument name is an error" 1 "$RC"
assert_contains "the arguments are listed" "$ERR" "fields: regs, id"

finish
