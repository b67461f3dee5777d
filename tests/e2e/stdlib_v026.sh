#!/usr/bin/env bash
# bpftrace v0.26 functions, run for real with the exact output compared: find, the compile-time
# type queries (is_str and the like, strcap, default_str_length, kfunc_exist), and globmatch,
# with literal and run-time patterns; on real tracepoints, with workloads this test starts.
# (percpu_kaddr needs CONFIG_KALLSYMS_ALL, which this host lacks: tests/vm/cases/percpu_kaddr.sh.)
source "$(dirname "$0")/lib.sh"

golden "find: the value of a key that is there, the variable kept for one that is not" 'BEGIN {
  @m[1] = (2, "two"); @m[3] = (4, "four");
  let $v;
  if (find(@m, 3, $v)) { print($v); }
  if (!find(@m, 5, $v)) { print($v); }
  @n["a", 1] = 10;
  $w = 0;
  printf("%d %d %d\n", find(@n, ("a", 1), $w), $w, find(@n, ("a", 2), $w));
  clear(@m); clear(@n);
  exit();
}' <<'EOF'
(4, four)
(4, four)
1 10 0


EOF

golden "type queries: answers, and only the branch taken is compiled" 'BEGIN {
  $s = "abc"; $i = -1; $t = (struct task_struct *)curtask;
  print((is_str($s), is_integer($i), is_unsigned_integer($i), is_ptr($t), is_literal(5), is_literal($i), strcap($s), default_str_length()));
  print((is_integer(true), is_unsigned_integer(pid), is_array($t->comm), is_str($t->comm), kfunc_exist("bpf_map_sum_elem_count"), kfunc_exist("no_such_kfunc")));
  if (is_str($i)) { print(strlen($i)); } else { print($i * 2); }
  if (is_str($s) && strcap($s) == 4) { print(strlen($s)); } else { print($s + 1); }
  exit();
}' <<'EOF'
(true, true, false, true, true, false, 4, 1024)
(false, true, false, true, true, false)
-2
3


EOF

golden "globmatch: ?, *, classes, ranges, negation, the whole string" 'BEGIN {
  printf("%d%d%d%d ", globmatch("hello", "h*o"), globmatch("hello", "h?llo"), globmatch("hello", "h[a-e]llo"), globmatch("hello", "h[!e]llo"));
}
BEGIN {
  printf("%d%d%d%d ", globmatch("hello", "*"), globmatch("", "*"), globmatch("", "?"), globmatch("abc", "abc*"));
}
BEGIN {
  printf("%d%d%d%d ", globmatch("abc", "ab"), globmatch("a/b/c", "a*c"), globmatch("aXb", "a[XYZ]b"), globmatch("a]b", "a[]]b"));
}
BEGIN {
  printf("%d%d%d%d\n", globmatch("abcbcd", "*bc*d"), globmatch("abcbce", "*bc*d"), globmatch("x-y", "x[a-]y"), globmatch("ab", "a[b"));
  exit();
}' <<'EOF'
1110 1101 0111 1010


EOF

# On a real tracepoint: a workload named "stdlib26" opens a file whose name is a glob pattern
# (the open fails: no such file), and sends itself SIGCONT; the pattern, known only at run time,
# is matched against comm, and find() reads what the open probe stored.
workload_start stdlib26 '{ : <"st*b[0-9]6"; } 2>/dev/null; kill -s CONT $BASHPID; true' || finish
bg_start glob -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ {
  \$p = str(args.filename);
  if (\$p == \"st*b[0-9]6\") {
    printf(\"%s %d\n\", \$p, globmatch(comm, \$p));
    @opened[comm] = 7;
  }
}
tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  let \$seen;
  printf(\"%d %d %d %d\n\", find(@opened, comm, \$seen), \$seen, find(@opened, \"other\", \$seen),
    globmatch(comm, \"stdlib2?\"));
  clear(@opened);
  exit();
}"
if wait_attached glob; then
  workload_run
  bg_wait glob 10
  assert_rc "the kill probe's exit() ends bpfscope" 0 "$RC"
  assert_eq "globmatch with a run-time pattern, find on a map filled by another probe" \
    "$(printf 'st*b[0-9]6 1\n1 7 0 1')" "$(grep -v '^$' <<<"$OUT")"
fi

finish
