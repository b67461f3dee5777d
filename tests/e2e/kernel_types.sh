#!/usr/bin/env bash
# Kernel types from BTF: curtask's members (through pointers, embedded structs and char arrays),
# tp_btf arguments typed as struct pointers, casts, pointer arithmetic, sizeof and offsetof. The
# workloads are started here, so every value printed is known in advance.
source "$(dirname "$0")/lib.sh"

[ -e /sys/kernel/btf/vmlinux ] || skip "this kernel has no BTF"

NR_GETPPID=110 # x86-64
N=5
# curtask in a tracepoint and typed raw tracepoint arguments, on N getppid() calls of a
# workload whose pid, comm and parent are known.
pyworkload_start "for _ in range($N):
    os.getppid()" || finish
bg_start task -e "tracepoint:syscalls:sys_enter_getppid /pid == $WL_PID/ {
  @task[curtask->comm, curtask->pid == tid, curtask->tgid, curtask->real_parent->tgid] = count();
  @weight_read[curtask->se.load.weight > 0] = count();
  \$t = (struct task_struct *)curtask;
  @same[\$t->group_leader->pid == \$t.tgid, *(int32 *)((uint64)\$t + offsetof(struct task_struct, tgid)) == pid] = count();
}
rawtracepoint:sys_enter /pid == $WL_PID && args.id == $NR_GETPPID/ {
  @regs[args.regs->orig_ax, args.regs->orig_ax == args.id] = count();
}
$READY_PROBE"
if wait_ready task; then
  workload_run
  bg_stop task INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "members of curtask, its parent and an embedded struct; a cast and a deref" \
    "@regs[$NR_GETPPID, true]: $N
@same[true, true]: $N
@task[python3, true, $WL_PID, $$]: $N
@weight_read[true]: $N" "$(printf '%s\n' "$OUT" | grep '^@' | sort)"
fi

# A `const char *` member read with str(), on a tp_btf argument chased through a struct pointer.
cp /bin/true "$TMPD/kt_exec_marker"
bg_start exec -e "rawtracepoint:sched_process_exec {
  @[str(args.bprm->filename), args.p->pid == pid] = count();
}
$READY_PROBE"
if wait_ready exec; then
  for _ in 1 2 3; do "$TMPD/kt_exec_marker"; done
  bg_stop exec INT
  assert_eq "str() of args.bprm->filename" "@[$TMPD/kt_exec_marker, true]: 3" \
    "$(printf '%s\n' "$OUT" | grep -F "kt_exec_marker")"
fi

bps -e 'BEGIN {
  printf("%d %d %d %d %d\n", sizeof(struct list_head), offsetof(struct list_head, prev),
         sizeof(uint16), sizeof(struct task_struct *), sizeof(curtask->comm));
  $p = (struct list_head *)0x1000;
  print($p);
  print($p + 2);
  print((int32 *)0x1000 - 1);
  print(($p + 3) - $p);
  exit();
}'
assert_rc "sizeof/offsetof and pointer arithmetic run" 0 "$RC"
assert_eq "sizes, offsets and pointers printed in hex" "16 8 2 8 16
0x1000
0x1020
0xffc
3" "$(printf '%s\n' "$OUT" | grep -v '^$')"

# Array members indexed (x86-64: the first auxiliary vector entry is AT_SYSINFO_EHDR, 33), and a
# pointer indexed like an array.
bps -e 'BEGIN {
  $t = curtask;
  print(curtask->mm->saved_auxv[0]);
  print(((int32 *)((uint64)$t + offsetof(struct task_struct, pid)))[0] == pid);
  print(kptr(curtask)->pid == pid);
  let $u: typeof(curtask) = (typeof(curtask->real_parent))$t;
  print($u->pid == pid);
  print((typeof(pid))0x1ffffffff);
  exit();
}'
assert_eq "a[i] on a BTF array and on a pointer; kptr() keeps the type; typeof" "33
true
true
true
4294967295" "$(printf '%s\n' "$OUT" | grep -v '^$')"

# The script's own types, #include (not read, noted under -v) and #define.
cat >"$TMPD/defs.bt" <<'SCRIPT'
#include <linux/sched.h>
#define LIMIT 3
struct Pair { int a; char name[16]; struct task_struct *task; }
enum Colour { RED, GREEN = 5, BLUE }
BEGIN {
  printf("%d %d %d %d %d\n", sizeof(struct Pair), offsetof(struct Pair, task), GREEN, BLUE, LIMIT);
  $p = (struct Pair *)((uint64)curtask + offsetof(struct task_struct, pid) - offsetof(struct Pair, a));
  print($p->a == pid);
  exit();
}
SCRIPT
bps -v "$TMPD/defs.bt"
assert_rc "a script with its own types runs" 0 "$RC"
assert_eq "layout of a script struct, enum values, #define" "32 24 5 6 3
true" "$(printf '%s\n' "$OUT" | grep -v '^$')"
assert_contains "-v notes the #include" "$ERR" \
  "#include <linux/sched.h>: ignored (kernel types come from BTF)"

# A struct read whole and printed as bpftrace does, from a variable, a map and print().
bps -e 'struct PidPair { int pid; int tgid; }
BEGIN {
  $pp = *(struct PidPair *)((uint64)curtask + offsetof(struct task_struct, pid));
  printf("%d %d\n", pid, $pp.tgid == pid);
  print($pp);
  @m = $pp;
  exit();
}'
assert_rc "a struct value runs" 0 "$RC"
me=$(printf '%s\n' "$OUT" | head -1 | cut -d' ' -f1)
assert_eq "{ .member = value, ... }" "$me 1
{ .pid = $me, .tgid = $me }
@m: { .pid = $me, .tgid = $me }" "$(printf '%s\n' "$OUT" | grep -v '^$')"

bps -lv 'rawtracepoint:sched_switch'
assert_eq "-lv lists a raw tracepoint's arguments with their BTF types" "rawtracepoint:sched_switch
    bool preempt
    struct task_struct * prev
    struct task_struct * next
    unsigned int prev_state" "$OUT"

bps -e 'BEGIN { print(curtask->pidd); }'
assert_rc "an unknown member is an error" 1 "$RC"
assert_contains "the member is named" "$ERR" \
  "ERROR: Struct/union of type 'struct task_struct' does not contain a field named 'pidd'"
assert_contains "the closest member is suggested" "$ERR" "HINT: Did you mean 'pid'?"

finish
