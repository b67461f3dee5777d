#!/usr/bin/env bash
# The language constructs of bpftrace v0.26 beyond the basics: for loops (over a range and over a
# map), block expressions and block scopes, duration literals, bool, map declarations, [] on
# tuples and strings. Each is checked on BEGIN (text and -f json, compared exactly with output worked out
# by hand from the docs) and on a real tracepoint with a workload this test starts itself.
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- for loops

golden "for over a range: continue, break, captured variables, nested loops" \
  'BEGIN { $s = 0; for ($i : 0..10) { if ($i == 2) { continue; } if ($i == 6) { break; } $s += $i; printf("i=%d\n", $i); } printf("s=%d\n", $s); for ($a : 0..3) { for ($b : $a..3) { printf("%d%d ", $a, $b); } } printf("\n"); $n = 2; for ($c : $n..0) { printf("empty range ran\n"); } exit(); }' <<'EOF'
i=0
i=1
i=3
i=4
i=5
s=13
00 01 02 11 12 22 


EOF

golden "for over maps: (key, value) tuples, nested tuple keys" \
  'BEGIN { @m[3] = 30; @m[1] = 10; $t = 0; $k = 0; for ($kv : @m) { $t += $kv.1; $k += $kv.0; } printf("t=%d k=%d\n", $t, $k); @s["b", 2] = "y"; for ($kv : @s) { printf("%s|%d|%s\n", $kv.0.0, $kv.0.1, $kv.1); print($kv); } clear(@m); clear(@s); exit(); }' <<'EOF'
t=40 k=4
b|2|y
((b, 2), y)


EOF

golden "for over maps: -f json" \
  'BEGIN { @s["b", 2] = "y"; for ($kv : @s) { printf("%s\n", $kv.1); print($kv); } clear(@s); exit(); }' \
  -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "y\n"}
{"type": "value", "data": [["b",2],"y"]}
EOF

golden "return in a for body ends the probe" \
  'BEGIN { for ($i : 0..5) { if ($i == 2) { return; } printf("r%d\n", $i); } printf("not reached\n"); }' <<'EOF'
r0
r1


EOF

golden "exit() in a for body ends the probe and the run" \
  'BEGIN { @m[1] = 1; @m[2] = 2; for ($kv : @m) { printf("seen\n"); exit(); } printf("not reached\n"); }' <<'EOF'
seen


@m[1]: 1
@m[2]: 2
EOF

# ---------------------------------------------------------------- blocks and scopes

golden "block expressions give their last expression; let is scoped to its block" \
  'BEGIN { let $a = { let $b = 1; $b + 1 }; print($a); print({ printf("side effect, "); "value" }); if ($a == 2) { let $b = "inner"; print($b); } let $b = 40; print($b + $a); @m = { let $s = "kept"; $s }; exit(); }' <<'EOF'
2
side effect, value
inner
42


@m: kept
EOF

golden "block expressions: -f json" \
  'BEGIN { print({ let $t = (1, "a"); $t }); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": [1,"a"]}
EOF

# ---------------------------------------------------------------- indexing

golden "tuples indexed with [constant], strings by byte" \
  'BEGIN { $t = (1, "hello", (3, 4)); print($t[1]); print($t[2][0]); print((7, "x")[2 - 2]); $s = "abc"; printf("%d %c\n", $s[1], $s[2]); exit(); }' <<'EOF'
hello
3
7
98 c


EOF

# ---------------------------------------------------------------- map declarations

golden "a declared hash(2) holds 2 keys: the third update is refused, as by the kernel" \
  'let @a = hash(2); let @c = percpulruhash(10); BEGIN { @a[1] = 10; @a[2] = 20; @a[3] = 30; @c["x"] = count(); exit(); }' <<'EOF'


@a[1]: 10
@a[2]: 20
@c[x]: 1
EOF

# ---------------------------------------------------------------- literals

golden "duration literals are integer nanoseconds; C suffixes and <m>e<n>" \
  'BEGIN { print(1m); $t = 10ms + 5us + 100ns; printf("%d %d %ld %d %d\n", $t, 1s / 1ms, 2h, 123UL, 2e3); exit(); }' <<'EOF'
60000000000
10005100 1000 7200000000000 123 2000


EOF

# ---------------------------------------------------------------- bool

golden "comparisons, ! and true/false are bools, printed true/false" \
  'BEGIN { print(true == false); $b = 2 > 1; print($b); print(!$b); print((1 < 2, "a" == "b")); printf("%d %d\n", 3 >= 3, !1); @v = 1 != 1; @k[5 > 4] = 1; @k[false] = 2; exit(); }' <<'EOF'
false
true
false
(true, false)
1 0


@k[true]: 1
@k[false]: 2
@v: false
EOF

golden "bools in -f json" \
  'BEGIN { print(1 == 1); @v = 1 != 1; @k[5 > 4] = 1; exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": true}
{"type": "map", "data": {"@k": {"true": 1}}}
{"type": "map", "data": {"@v": false}}
EOF

# On a tracepoint: the loop body reads the probe's context (comm, args) and updates maps; a
# second probe iterates over a map the first one fills.
N=9
M=3
echo data >"$TMPD/file"
WORK="for ((i = 0; i < $N; i++)); do : < '$TMPD/file'; done
for ((i = 0; i < $M; i++)); do : 2>/dev/null < '$TMPD/missing'; done
exit 0"
workload_start e2efor "$WORK" || finish
bg_start forloop -e "let @ = percpuhash(8); let @seen = lruhash(100);
tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { for (\$i : 0..5) { if (\$i == 2) { break; } @[comm, \$i, comm[1]] = count(); } @seen[args.filename != 0] = { let \$fd = (int32)args.dfd; \$fd }; }
tracepoint:syscalls:sys_exit_openat /pid == $WL_PID/ { for (\$kv : @seen) { @pairs[\$kv.0, \$kv.1] = count(); } }"
if wait_attached forloop; then
  workload_run
  assert_rc "the workload ran to its end" 0 "$WL_RC"
  bg_stop forloop INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  # Every open (N, plus 2 per failed one: the 2>/dev/null too) is counted once per loop pass
  # before the break; the exit probe saw @seen[true] = AT_FDCWD on each of them.
  assert_eq "for bodies on tracepoints count every openat of the workload" "

@[e2efor, 0, 50]: $((N + 2 * M))
@[e2efor, 1, 50]: $((N + 2 * M))
@pairs[true, -100]: $((N + 2 * M))
@seen[true]: -100" "$OUT"
fi

finish
