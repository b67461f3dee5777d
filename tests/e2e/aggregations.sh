#!/usr/bin/env bash
# Aggregations on tracepoint data from a controlled workload, exact values: a python3 process
# (stopped until bpfscope is attached) writes 10, 20, 30, 40 and 1000 bytes to /dev/null with
# os.write, and fails to open a missing file three times. count/sum/avg/min/max/stats/hist/lhist,
# keyed aggregations, the exit-time order (maps by name, entries by value) and bucket layout.
# Plus BEGIN-only hist/lhist edge cases: negative values, M/G labels, rows limited to the used
# range.
source "$(dirname "$0")/lib.sh"

BAR52='@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@'
BAR26='@@@@@@@@@@@@@@@@@@@@@@@@@@                          '
BAR0='                                                    '

pyworkload_start "
fd = os.open('/dev/null', os.O_WRONLY)
for n in (10, 20, 30, 40, 1000):
    os.write(fd, b'x' * n)
for i in range(3):
    try:
        os.open('$TMPD/missing', os.O_RDONLY)
    except OSError:
        pass
os._exit(0)" || finish

bg_start agg -e "tracepoint:syscalls:sys_enter_write /pid == $WL_PID/ {
  @c = count(); @s = sum(args.count); @a = avg(args.count);
  @mi = min(args.count); @ma = max(args.count); @st = stats(args.count);
  @h = hist(args.count); @l = lhist(args.count, 0, 100, 25);
  @k[args.count > 25] = count(); @bysize[args.count] = sum(args.count);
}
tracepoint:syscalls:sys_exit_openat /pid == $WL_PID && args.ret < 0/ {
  @rmin = min(args.ret); @rmax = max(args.ret); @ravg = avg(args.ret); @rst = stats(args.ret);
  @rsum = sum(args.ret);
}"
if wait_attached agg; then
  workload_run
  bg_stop agg INT
  assert_rc "aggregation program exits 0 on SIGINT" 0 "$RC"
  printf '%s\n' "" "" \
    "@a: 220" \
    "@bysize[10]: 10" "@bysize[20]: 20" "@bysize[30]: 30" "@bysize[40]: 40" "@bysize[1000]: 1000" \
    "@c: 5" \
    "@h:" \
    "[8, 16)                1 |$BAR26|" \
    "[16, 32)               2 |$BAR52|" \
    "[32, 64)               1 |$BAR26|" \
    "[64, 128)              0 |$BAR0|" \
    "[128, 256)             0 |$BAR0|" \
    "[256, 512)             0 |$BAR0|" \
    "[512, 1K)              1 |$BAR26|" \
    "" \
    "@k[false]: 2" "@k[true]: 3" \
    "@l:" \
    "[0, 25)                2 |$BAR52|" \
    "[25, 50)               2 |$BAR52|" \
    "[50, 75)               0 |$BAR0|" \
    "[75, 100)              0 |$BAR0|" \
    "[100, ...)             1 |$BAR26|" \
    "" \
    "@ma: 1000" "@mi: 10" \
    "@ravg: -2" "@rmax: -2" "@rmin: -2" \
    "@rst: { .count = 3, .average = -2, .total = -6 }" \
    "@rsum: -6" \
    "@s: 1100" \
    "@st: { .count = 5, .average = 220, .total = 1100 }" >"$TMPD/expected"
  if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/agg.out" >"$TMPD/diff"; then
    pass "count/sum/avg/min/max/stats/hist/lhist of write sizes and openat errors, exact output"
  else
    fail "aggregations of write sizes and openat errors differ" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
  fi
fi

# avg truncates like bpftrace (integer division), also for negative totals; min/max keep the sign.
bps -e 'BEGIN { @a = avg(1); @a = avg(2); @n = avg(-1); @n = avg(-2); @mi = min(5); @mi = min(-5); @mx = max(-9); @mx = max(-3); exit(); }'
assert_eq "avg truncates, min/max with negative values" "

@a: 1
@mi: -5
@mx: -3
@n: -1" "$OUT"

# hist: negative values go to (..., 0); rows run from the lowest to the highest used bucket.
bps -e 'BEGIN { @h = hist(-1); @h = hist(1); exit(); }'
printf '%s\n' "" "" "@h:" \
  "(..., 0)               1 |$BAR52|" \
  "[0]                    0 |$BAR0|" \
  "[1]                    1 |$BAR52|" "" >"$TMPD/expected"
if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/last.out" >"$TMPD/diff"; then
  pass "hist of a negative value and 1"
else
  fail "hist of a negative value and 1 differs" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
fi

bps -e 'BEGIN { @g = hist(3145728); @g = hist(5368709120); exit(); }'
printf '%s\n' "" "" "@g:" \
  "[2M, 4M)               1 |$BAR52|" \
  "[4M, 8M)               0 |$BAR0|" \
  "[8M, 16M)              0 |$BAR0|" \
  "[16M, 32M)             0 |$BAR0|" \
  "[32M, 64M)             0 |$BAR0|" \
  "[64M, 128M)            0 |$BAR0|" \
  "[128M, 256M)           0 |$BAR0|" \
  "[256M, 512M)           0 |$BAR0|" \
  "[512M, 1G)             0 |$BAR0|" \
  "[1G, 2G)               0 |$BAR0|" \
  "[2G, 4G)               0 |$BAR0|" \
  "[4G, 8G)               1 |$BAR52|" "" >"$TMPD/expected"
if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/last.out" >"$TMPD/diff"; then
  pass "hist with M and G labels"
else
  fail "hist with M and G labels differs" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
fi

# lhist rows: only from the first to the last non-empty bucket; bars scale to the largest (3).
bps -e 'BEGIN { @l = lhist(3, 0, 100, 25); @l = lhist(3, 0, 100, 25); @l = lhist(4, 0, 100, 25); @l = lhist(60, 0, 100, 25); exit(); }'
printf '%s\n' "" "" "@l:" \
  "[0, 25)                3 |$BAR52|" \
  "[25, 50)               0 |$BAR0|" \
  "[50, 75)               1 |@@@@@@@@@@@@@@@@@                                   |" "" >"$TMPD/expected"
if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/last.out" >"$TMPD/diff"; then
  pass "lhist limited to the used rows, bars scaled to the largest count"
else
  fail "lhist rows/bars differ" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
fi

# Keyed aggregations: each map sorted by value ascending (distinct values, so the order is fully
# determined), maps in name order.
bps -e 'BEGIN { @s["b"] = sum(5); @s["a"] = sum(7); @s["c"] = sum(1); @m["x"] = max(3); @m["y"] = max(-4); exit(); }'
assert_eq "keyed sum/max sorted by value ascending" "

@m[y]: -4
@m[x]: 3
@s[c]: 1
@s[b]: 5
@s[a]: 7" "$OUT"

# count() maps print with their key types: int keys, string keys, tuples with negative ints.
bps -e 'BEGIN { @t[-1, "neg"] = count(); @t[2, "pos"] = count(); @t[2, "pos"] = count(); exit(); }'
assert_eq "tuple keys with a negative int" "

@t[-1, neg]: 1
@t[2, pos]: 2" "$OUT"

# hist(x, k): 2^k buckets per power of two, one value per bucket below 2^(k+1), as v0.26 prints.
golden "hist with 2 bits" 'BEGIN { @h = hist(0, 2); @h = hist(3, 2); @h = hist(4, 2); @h = hist(9, 2);
  @h = hist(9, 2); @h = hist(100, 2); @h = hist(-5, 2); exit(); }' <<'EOF'


@h:
(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[1]                    0 |                                                    |
[2]                    0 |                                                    |
[3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[4]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[5]                    0 |                                                    |
[6]                    0 |                                                    |
[7]                    0 |                                                    |
[8, 10)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[10, 12)               0 |                                                    |
[12, 14)               0 |                                                    |
[14, 16)               0 |                                                    |
[16, 20)               0 |                                                    |
[20, 24)               0 |                                                    |
[24, 28)               0 |                                                    |
[28, 32)               0 |                                                    |
[32, 40)               0 |                                                    |
[40, 48)               0 |                                                    |
[48, 56)               0 |                                                    |
[56, 64)               0 |                                                    |
[64, 80)               0 |                                                    |
[80, 96)               0 |                                                    |
[96, 112)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |

EOF
golden "hist with 1 bit, K suffixes" 'BEGIN { @h = hist(6000, 1); @h = hist(20000, 1); exit(); }' <<'EOF'


@h:
[4K, 6K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[6K, 8K)               0 |                                                    |
[8K, 12K)              0 |                                                    |
[12K, 16K)             0 |                                                    |
[16K, 24K)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

EOF
golden "hist with 2 bits in JSON: closed ranges" 'BEGIN { @h = hist(3, 2); @h = hist(9, 2); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "hist", "data": {"@h": [{"min": 3, "max": 3, "count": 1},{"min": 4, "max": 4, "count": 0},{"min": 5, "max": 5, "count": 0},{"min": 6, "max": 6, "count": 0},{"min": 7, "max": 7, "count": 0},{"min": 8, "max": 9, "count": 1}]}}
EOF

finish
