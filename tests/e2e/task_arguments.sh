#!/usr/bin/env bash
# pcomm(task) and ppid(task): the process name and the parent's pid of any struct task_struct *,
# not only the current task's. A workload (a copy of bash named tkparent, child of this test's
# shell) forks; the probes name it, this shell, and the new child from the fork's own arguments.
source "$(dirname "$0")/lib.sh"

PARENT_COMM=$(cat /proc/$$/comm)
GRANDPARENT=$(awk '{ print $4 }' /proc/$$/stat)

if workload_start tkparent 'kill -0 16777343 2>/dev/null; true'; then
  bg_start current -e "tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
    printf(\"%s %d %s %d %s %d\n\", pcomm(curtask), ppid(curtask), pcomm(curtask->real_parent),
           ppid(curtask->real_parent), pcomm(), ppid());
    exit();
  }"
  if wait_attached current; then
    workload_run
    bg_wait current 10
    assert_eq "pcomm/ppid of curtask, of its parent, and without an argument" \
      "tkparent $$ $PARENT_COMM $GRANDPARENT tkparent $$" "$OUT"
  else
    workload_run
  fi
fi

# The child of a fork, from sched_process_fork's arguments (tp_btf: struct task_struct *child):
# it bears its parent's name until it execs, and its parent is the workload.
if workload_start tkforker '( exit 0 ); true'; then
  bg_start fork -e "rawtracepoint:sched_process_fork /args.parent->tgid == $WL_PID/ {
    printf(\"%s %d\n\", pcomm(args.child), ppid(args.child));
    exit();
  }"
  if wait_attached fork; then
    workload_run
    bg_wait fork 10
    assert_eq "pcomm/ppid of a fork's child task" "tkforker $WL_PID" "$OUT"
  else
    workload_run
  fi
fi

finish
