#!/usr/bin/env bash
# `for ($kv : @map)` over per-CPU aggregations, as bpftrace v0.26: count(), sum(), min(), max()
# and avg() maps give `$kv.1` as one integer, the value of all CPUs combined; stats(), hist() and
# lhist() maps are refused. The combination is checked with a workload this test pins to each CPU
# in turn, read back by an END probe that runs on one CPU only.
source "$(dirname "$0")/lib.sh"

[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs to check that every CPU's value is combined"
command -v taskset >/dev/null || skip "needs taskset to pin the workload to each CPU"

# On one CPU: the combination rules (sums, extremes of the values set, avg rounded toward 0).
bps -e 'BEGIN { @c[1] = count(); @c[1] = count(); @c[2] = count(); @s["a"] = sum(5); @s["a"] = sum(-7); @mn[1] = min(5); @mn[1] = min(-3); @mx[1] = max(4); @mx[1] = max(9); @a[1] = avg(10); @a[1] = avg(21); @n[1] = avg(-10); @n[1] = avg(-21); }
BEGIN { for ($kv : @c) { printf("c %d %d\n", $kv.0, $kv.1); } }
BEGIN { $t = 0; for ($kv : @s) { $t += $kv.1; } printf("s %d\n", $t); }
BEGIN { for ($kv : @mn) { print($kv); } for ($kv : @mx) { print($kv); } }
BEGIN { for ($kv : @a) { print($kv); } for ($kv : @n) { print($kv); } clear(@c); clear(@s); clear(@mn); clear(@mx); clear(@a); clear(@n); exit(); }'
assert_rc "loops over count/sum/min/max/avg maps run" 0 "$RC"
# (Sorted: a hash map's iteration order is the kernel's.)
assert_eq "their values are single integers" "(1, -15)
(1, -3)
(1, 15)
(1, 9)
c 1 2
c 2 1
s -2" "$(grep -v '^$' "$TMPD/last.out" | LC_ALL=C sort)"

# On both CPUs: the workload (a copy of bash named e2eagg) opens the file 3 times on CPU 0 and
# 2 times on CPU 1, each adding its size in bytes to a sum and its CPU to min/max.
echo data >"$TMPD/file"
cp "$(command -v bash)" "$TMPD/e2eagg"
bg_start percpu -e "
tracepoint:syscalls:sys_enter_openat /comm == \"e2eagg\" && str(args.filename) == \"$TMPD/file\"/ {
  @n[\"opens\"] = count(); @bytes[\"opens\"] = sum(5); @lo[\"cpu\"] = min(cpu); @hi[\"cpu\"] = max(cpu);
}
END {
  for (\$kv : @n) { printf(\"count %s %d\n\", \$kv.0, \$kv.1); }
  for (\$kv : @bytes) { printf(\"sum %s %d\n\", \$kv.0, \$kv.1); }
  for (\$kv : @lo) { printf(\"min %d\n\", \$kv.1); }
  for (\$kv : @hi) { printf(\"max %d\n\", \$kv.1); }
  clear(@n); clear(@bytes); clear(@lo); clear(@hi);
}"
if wait_attached percpu; then
  taskset -c 0 "$TMPD/e2eagg" -c ": < '$TMPD/file'; : < '$TMPD/file'; : < '$TMPD/file'"
  taskset -c 1 "$TMPD/e2eagg" -c ": < '$TMPD/file'; : < '$TMPD/file'"
  bg_stop percpu INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "END sees every CPU's share, not only its own" "count opens 5
sum opens 25
min 0
max 1" "$(grep -v '^$' <<<"$OUT")"
fi

# Refused, as in bpftrace: no single value per key.
for agg in "stats(3)" "hist(3)" "lhist(3, 0, 10, 1)"; do
  bps -e "BEGIN { @m[1] = $agg; for (\$kv : @m) { print(\$kv); } }"
  assert_nonzero "a loop over $agg is refused" "$RC"
  assert_contains "with bpftrace's message" "$ERR" "ERROR: Loop expression does not support type: "
done

finish
