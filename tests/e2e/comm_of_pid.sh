#!/usr/bin/env bash
# comm(pid): the name of another thread, looked up by pid with the kfuncs bpf_task_from_pid and
# bpf_task_release, on real probes of every program type the kernel lets call them. A workload
# (a copy of bash named cpparent) starts a child (a copy of sleep named cpchild) and signals it
# with `kill -0`; the probe on that kill names the child, the workload and the workload's parent.
source "$(dirname "$0")/lib.sh"

cp "$(command -v sleep)" "$TMPD/cpchild"

# run_case WHAT PROBE PREDICATE CHILD: PROBE, on the workload's `kill -0 CHILD` (PREDICATE picks
# it out), prints the names comm(pid) finds. The workload signals its child only once the child
# has exec'd (before that, the child still bears its parent's name).
run_case() {
  local what=$1 probe=$2 pred=$3 child=$4
  workload_start cpparent "\"$TMPD/cpchild\" 5 & child=\$!; c=; until [ \"\$c\" = cpchild ]; do read -r c </proc/\$child/comm; done; kill -0 \$child; kill \$child; wait" ||
    return 1
  bg_start "$what" -e "$probe /pid == $WL_PID && $pred/ {
    printf(\"child=%s self=%s parent=%s none=[%s]\n\", comm($child), comm(pid), comm(ppid), comm(0x7ffffff0));
    exit();
  }"
  if wait_attached "$what"; then
    workload_run
    bg_wait "$what" 10
    assert_eq "$what: comm(pid) of the child, the workload and its parent; '' for no such pid" \
      "child=cpchild self=cpparent parent=$(cat /proc/$$/comm) none=[]" "$OUT"
  else
    kill -CONT "$WL_PID" 2>/dev/null
    wait "$WL_PID" 2>/dev/null
  fi
}

# Tracepoint programs may call kfuncs from Linux 6.12; older kernels refuse comm(pid) there.
bps -e 'tracepoint:raw_syscalls:sys_enter { print(comm(1)); exit(); }'
TP_REFUSED=0
grep -q 'is not available in tracepoint probes' <<<"$ERR" && TP_REFUSED=1
if [ "$TP_REFUSED" = 1 ]; then
  echo "      (this kernel does not let tracepoint programs call kfuncs: tracepoint case not run)"
else
  run_case tracepoint tracepoint:syscalls:sys_enter_kill 'args.sig == 0' args.pid
fi

# interval: a perf_event program, allowed like tracepoints; it names the stopped workload.
if [ "$TP_REFUSED" = 0 ] && workload_start cpstopped 'true'; then
  bps -e "interval:ms:20 { printf(\"%s\n\", comm($WL_PID)); exit(); }"
  assert_eq "interval: comm(pid) of a stopped workload" "cpstopped" "$OUT"
  workload_run
fi

# rawtracepoint: a tp_btf program where the kernel has BTF; sys_enter's arguments are the system
# call's pt_regs and number (kill is 62 on x86-64: pid in di, signal in si).
run_case rawtracepoint rawtracepoint:sys_enter 'args.id == 62 && args.regs->si == 0' 'args.regs->di'

finish
