#!/usr/bin/env bash
# percpu_kaddr() on a kernel built with CONFIG_KALLSYMS_ALL (the host's is not, so the verifier
# cannot resolve a variable's address there): the per-CPU runqueue of CPU 0 says it is CPU 0,
# the current CPU's is the current CPU's, a CPU that does not exist gives NULL, and a per-CPU
# counter reads through the this-CPU form.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

golden "percpu_kaddr: runqueues by CPU, NULL past the last CPU, this CPU's counter" 'BEGIN {
  $rq = (struct rq *)percpu_kaddr("runqueues", 0);
  if ($rq != 0) { printf("cpu0 %d\n", $rq->cpu); }
  $none = percpu_kaddr("runqueues", 100000);
  printf("missing %d\n", $none == 0);
  printf("this %d\n", ((struct rq *)percpu_kaddr("runqueues"))->cpu == cpu);
  printf("forks %d\n", *percpu_kaddr("process_counts") > 0);
  exit();
}' <<'OUT'
cpu0 0
missing 1
this 1
forks 1


OUT

finish
