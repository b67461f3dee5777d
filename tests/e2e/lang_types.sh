#!/usr/bin/env bash
# The type-system constructs of bpftrace v0.26's language: records `(name = x)`, `string[N]` /
# `buffer[N]` annotations, integer <-> integer-array casts, integer typing, and block expressions
# as operands, keys and conditions. Each is checked on BEGIN (text and -f json, compared exactly
# with output worked out by hand from bpftrace's docs and tests) and on a real tracepoint with a
# workload this test starts itself.
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- records

golden "records: field access, nested records and tuples, printing" \
  'BEGIN { $v = 99; $t = (a = 0, b = 1, c = "str", d = (5, 6), e = $v); printf("%d %d %s %d %d %d\n", $t.a, $t.b, $t.c, $t.d.0, $t.d.1, $t.e); $w = (x = 1, y = 2); print((a = 0, b = 1, c = "str", d = (5, 6), e = $w)); printf("%s\n", $w); exit(); }' <<'EOF'
0 1 str 5 6 99
{ .a = 0, .b = 1, .c = str, .d = (5, 6), .e = { .x = 1, .y = 2 } }
{ .x = 1, .y = 2 }


EOF

# As bpftrace's own test: fields are evaluated in the order written, and a record with the same
# names in another order is stored field by field into the variable's order.
golden "records: evaluation order and assignment by name" \
  'BEGIN { $a = (foo = { printf("hello"); 1 }, bar = { printf("world"); 2 }); $a = (bar = { printf("hello"); 1 }, foo = { printf("world\n"); 2 }); print($a); exit(); }' <<'EOF'
helloworldhelloworld
{ .foo = 2, .bar = 1 }


EOF

golden "records as map keys and values" \
  'BEGIN { @m[(k = 1, s = "a")] = (n = "one", c = 1); @m[(s = "b", k = 2)] = (c = 2, n = "two"); @c[(k = 1, s = "a")] = count(); @c[(s = "a", k = 1)] = count(); exit(); }' <<'EOF'


@c[{ .k = 1, .s = a }]: 2
@m[{ .k = 1, .s = a }]: { .n = one, .c = 1 }
@m[{ .k = 2, .s = b }]: { .n = two, .c = 2 }
EOF

golden "records: -f json prints them as objects" \
  'BEGIN { print((a = 1, b = (c = "x", d = (1, true)))); @m[(k = 1)] = (v = "s"); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": {"a": 1, "b": {"c": "x", "d": [1,true]}}}
{"type": "map", "data": {"@m": {"{ .k = 1 }": {"v": "s"}}}}
EOF

# ---------------------------------------------------------------- string[N] and buffer[N]

golden "string[N] annotations: the size stays, shorter values are padded" \
  'BEGIN { let $s: string[8] = "abc"; print($s); $s = "defgh"; print(($s, sizeof($s))); let $e: string[4]; printf("[%s]\n", $e); $e = "xyz"; print($e); @m[$s] = $e; exit(); }' <<'EOF'
abc
(defgh, 8)
[]
xyz


@m[defgh]: xyz
EOF

golden "string[N] annotations: -f json" \
  'BEGIN { let $s: string[8] = "abc"; print($s); let $t: string[3]; print(($t, sizeof($t))); exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": "abc"}
{"type": "value", "data": ["",3]}
EOF

# ---------------------------------------------------------------- integer <-> integer-array casts

# The example of bpftrace's docs (x86-64 is little endian), and the other directions.
golden "int <-> int array casts" \
  'BEGIN { $a = (int8[8])12345; printf("%x %x\n", $a[0], $a[1]); printf("%d\n", (uint64)$a); print($a); $x = 0x01020304; print((uint8[])$x); $c = (uint16[2])(uint32)258; print(($c, (uint32)$c)); printf("%x\n", (uint32)pton("127.0.0.1")); print((int8[])"ab"); print((int8[4])-2); @m[(uint8[2])(uint16)513] = (int16[1])-3; exit(); }' <<'EOF'
39 30
12345
[57,48,0,0,0,0,0,0]
[4,3,2,1]
([258,0], 258)
100007f
[97,98,0]
[-2,-1,-1,-1]


@m[[1,2]]: [-3]
EOF

golden "int arrays: -f json prints them as arrays" \
  'BEGIN { print((uint8[4])(uint32)258); @m[(uint8[2])(uint16)513] = (int16[1])-3; exit(); }' -f json <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": [2,1,0,0]}
{"type": "map", "data": {"@m": {"[1,2]": [-3]}}}
EOF

# ---------------------------------------------------------------- block expressions

golden "block expressions as map keys, conditions, ternary branches and operands" \
  'BEGIN { @m[{ let $a = 1; $a + 1 }] = { 10 }; if ({ let $c = 2; $c == 2 }) { printf("if\n"); } $t = 1 ? { let $x = "yes"; $x } : "no"; print($t); print(({ let $y = 3; $y }) + 2); @k[{ "a" }, { 2 }] = count(); print(({ 1 }, { "b" })); exit(); }' <<'EOF'
if
yes
5
(1, b)


@k[a, 2]: 1
@m[2]: 10
EOF

# On a tracepoint: records built from the probe's context, kept in maps keyed by records; a
# buffer[N] variable holding a shorter buf() of the file name the workload opens.
N=7
echo data >"$TMPD/file"
WORK="for ((i = 0; i < $N; i++)); do : < '$TMPD/file'; done
exit 0"
workload_start e2erec "$WORK" || finish
bg_start records -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { \$r = (name = comm, cwd = args.dfd == -100); @opens[\$r] = count(); @last = (who = \$r.name, flags = (uint8)(args.flags & 0)); let \$b: buffer[16] = buf(args.filename, 4); @path[\$b] = count(); let \$s: string[20]; \$s = \$r.name; @short = (\$s, sizeof(\$s)); @dfd[(uint8[4])(int32)args.dfd] = count(); }"
if wait_attached records; then
  workload_run
  assert_rc "the workload ran to its end" 0 "$WL_RC"
  bg_stop records INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "records from a tracepoint's context count every openat of the workload" "

@dfd[[156,255,255,255]]: $N
@last: { .who = e2erec, .flags = 0 }
@opens[{ .name = e2erec, .cwd = true }]: $N
@path[/tmp]: $N
@short: (e2erec, 20)" "$OUT"
fi

finish
