#!/usr/bin/env bash
# The last pieces of bpftrace v0.26's language, run for real with the exact output compared:
# `==`/`!=` on tuples, records and integer arrays, block expressions as left operands, functions
# written without parentheses, delete()'s boolean, typedef in scripts and len() of histogram
# maps; in BEGIN and on real tracepoints, with workloads this test starts.
source "$(dirname "$0")/lib.sh"

golden "== and != on tuples, records and integer arrays" 'BEGIN {
  $x = 1; $s = "a";
  print(((1, "a") == ($x, $s), (1, "b") == ($x, $s), (1, "b") != ($x, $s)));
  $r = (name = "x", size = 2);
  print(($r == (name = "x", size = 2), $r == (size = 2, name = "x"), $r != (name = "x", size = 3)));
  $a = (uint8[4])(uint32)0x01020304; $b = (uint8[4])(uint32)16909060; $c = (uint8[4])(uint32)5;
  print(($a == $b, $a == $c, $a != $c, (uint8[4])(uint32)1 == (uint16[4])(uint64)1));
  print((((1, (2, "q")), 3) == ((1, (2, "q")), 3), ((1, (2, "q")), 3) == ((1, (2, "r")), 3)));
  exit();
}' <<'EOF'
(true, false, true)
(true, true, true)
(true, false, true, true)
(true, false)


EOF

golden "block expressions as left operands, bare calls, delete()'s value" 'BEGIN {
  { 1 } + 2;
  $x = { 1 } + 2;
  $y = { let $a = 3; $a } * 2 + 1;
  { printf("block ") } printf("statement\n");
  print(($x, $y, { 4 } == 4));
  @a[1] = 1; @a[2] = 2;
  $d = delete(@a, 1);
  print(($d, delete(@a, 1), delete(@a[2]), default_str_length, default_str_length + 1));
  if (!delete(@a, 3)) { printf("no key 3\n"); }
  exit
}' <<'EOF'
block statement
(3, 7, true)
(true, false, true, 1024, 1025)
no key 3


EOF

golden "typedef: casts, sizeof, members, let annotations" 'typedef unsigned int u32_t;
typedef struct foo foo_t;
struct foo { int q; long r; };
struct x { u32_t a; foo_t *f; foo_t g; };
typedef struct { char n[8]; u32_t v; } pair_t;
typedef u32_t arr_t[4];
BEGIN {
  let $v: u32_t = 7;
  print((sizeof(u32_t), sizeof(foo_t), sizeof(struct x), offsetof(struct x, g), sizeof(pair_t), sizeof(arr_t)));
  print(((u32_t)(-1), $v));
  exit();
}' <<'EOF'
(4, 16, 32, 16, 12, 16)
(4294967295, 7)


EOF

golden "len() of histogram maps with keys: one element per (key, bucket)" 'BEGIN {
  @h[1] = hist(1); @h[1] = hist(100); @h[2] = hist(1);
  @l["a"] = lhist(3, 0, 10, 1); @l["a"] = lhist(3, 0, 10, 1);
  print((len(@h), len(@l)));
  clear(@h); clear(@l);
  exit();
}' <<'EOF'
(3, 1)


EOF

# On a real tracepoint: a workload named "leftover" opens two files that do not exist and sends
# itself SIGCONT. The open probe compares (comm, name) tuples and records; the kill probe reads
# what it kept with delete()'s value and len() of a histogram.
workload_start leftover '{ : <"/nonexistent/a"; : <"/nonexistent/b"; } 2>/dev/null; kill -s CONT $BASHPID; true' || finish
bg_start tp -e "typedef int pid32_t;
tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ {
  \$f = str(args.filename, 16);
  \$t = (comm, \$f);
  if (\$t == (\"leftover\", \"/nonexistent/a\") || (name = \$f, who = comm) == (who = \"leftover\", name = \"/nonexistent/b\")) {
    printf(\"%s\n\", \$f);
    @opens[(pid32_t)pid] = hist({ strlen(\$f) } * 2);
    @seen[\$f] = 1;
  }
}
tracepoint:syscalls:sys_enter_kill /pid == $WL_PID/ {
  printf(\"%d %d %d\n\", len(@opens), delete(@seen, \"/nonexistent/a\"), delete(@seen, \"/nonexistent/a\"));
  clear(@opens); clear(@seen);
  exit();
}"
if wait_attached tp; then
  workload_run
  bg_wait tp 10
  assert_rc "the kill probe's exit() ends bpfscope" 0 "$RC"
  # Both names are 14 bytes: one histogram bucket for the workload's pid.
  assert_eq "tuple and record comparisons on a tracepoint, delete()'s value, len() of a histogram" \
    "$(printf '/nonexistent/a\n/nonexistent/b\n1 1 0')" "$(grep -v '^$' <<<"$OUT")"
fi

finish
