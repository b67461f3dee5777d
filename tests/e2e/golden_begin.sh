#!/usr/bin/env bash
# Golden text output of BEGIN-only programs: every example of
# /work/shared/reference/bpftrace-0.26-output-examples.md (bpftrace v0.26's exact stdout), compared
# byte for byte with diff, blank lines included. Where the reference shows a documented v0.26 quirk
# (print(@m, N) in hash order, plain-value maps unsorted) the expectation is the documented
# behaviour: sorted by value ascending, print(@m, N) shows the largest N.
# Also: a BEGIN-only program exits by itself, exit status 0, "Attached 1 probe" on stderr only.
source "$(dirname "$0")/lib.sh"

# golden_begin NAME PROGRAM <<'EOF' ... EOF: lib.sh's golden, and nothing of the program's
# output may reach stderr.
golden_begin() {
  local name=$1
  golden "$@" && assert_not_contains "$name: nothing from the program on stderr" "$ERR" "@"
}

golden_begin "count by string key" \
  'BEGIN { @c["x"] = count(); @c["y"] = count(); @c["y"] = count(); @c["z"] = count(); @c["z"] = count(); @c["z"] = count(); exit(); }' <<'EOF'


@c[x]: 1
@c[y]: 2
@c[z]: 3
EOF
assert_match "'Attached 1 probe' on stderr" "$ERR" '^Attached 1 probe'
assert_not_contains "'Attached' not on stdout" "$OUT" "Attached"

golden_begin "tuple keys" 'BEGIN { @t[1, "a"] = count(); @t[2, "b"] = count(); @t[2, "b"] = count(); exit(); }' <<'EOF'


@t[1, a]: 1
@t[2, b]: 2
EOF

golden_begin "hist" 'BEGIN { @h = hist(0); @h = hist(3); @h = hist(3); @h = hist(100); @h = hist(70000); exit(); }' <<'EOF'


@h:
[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[1]                    0 |                                                    |
[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[4, 8)                 0 |                                                    |
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |
[512, 1K)              0 |                                                    |
[1K, 2K)               0 |                                                    |
[2K, 4K)               0 |                                                    |
[4K, 8K)               0 |                                                    |
[8K, 16K)              0 |                                                    |
[16K, 32K)             0 |                                                    |
[32K, 64K)             0 |                                                    |
[64K, 128K)            1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |

EOF

golden_begin "lhist" 'BEGIN { @l = lhist(-5, 0, 50, 10); @l = lhist(12, 0, 50, 10); @l = lhist(12, 0, 50, 10); @l = lhist(60, 0, 50, 10); exit(); }' <<'EOF'


@l:
(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[0, 10)                0 |                                                    |
[10, 20)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[20, 30)               0 |                                                    |
[30, 40)               0 |                                                    |
[40, 50)               0 |                                                    |
[50, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |

EOF

golden_begin "stats avg min max sum" 'BEGIN { @s = stats(2); @s = stats(4); @a = avg(10); @a = avg(21); @mi = min(-7); @ma = max(9); @su = sum(5); exit(); }' <<'EOF'


@a: 15
@ma: 9
@mi: -7
@s: { .count = 2, .average = 3, .total = 6 }
@su: 5
EOF

golden_begin "keyed hist" 'BEGIN { @[1] = hist(5); @[2] = hist(500); exit(); }' <<'EOF'


@[1]:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@[2]:
[256, 512)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

EOF

golden_begin "printf conversions" 'BEGIN { printf("%d|%5d|%-5d|%05d|%x|%X|%o|%u|%c|%s|%10s|%-10s|%%\n", -3, 42, 42, 42, 255, 255, 8, -1, 65, "str", "right", "left"); exit(); }' <<'EOF'
-3|   42|42   |00042|ff|FF|10|4294967295|A|str|     right|left      |%


EOF

golden_begin "print of tuple, int, string" 'BEGIN { $t = (1, "two", 3); print($t); print(1 + 2); print("str"); exit(); }' <<'EOF'
(1, two, 3)
3
str


EOF

golden_begin "print and clear of a scalar map" 'BEGIN { @x = 1; @y = "s"; print(@x); clear(@x); print(@x); exit(); }' <<'EOF'
@x: 1


@y: s
EOF

# Documented behaviour, not v0.26's hash-order quirk: sorted by value, top N = largest N.
golden_begin "print(@m, top) and print(@m, 0, div)" 'BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; print(@m, 2); print(@m, 0, 10); exit(); }' <<'EOF'
@m[2]: 20
@m[3]: 30
@m[1]: 1
@m[2]: 2
@m[3]: 3


@m[1]: 10
@m[2]: 20
@m[3]: 30
EOF

# print() of a hist, a stats and a count map mid-program: the same layout as at exit; the maps are
# printed again at exit (print does not clear them), in name order.
golden_begin "print() of hist, stats and count maps" 'BEGIN { @h = hist(5); print(@h); @s = stats(3); print(@s); @c = count(); print(@c); exit(); }' <<'EOF'
@h:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@s: { .count = 1, .average = 3, .total = 3 }
@c: 1


@c: 1
@h:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@s: { .count = 1, .average = 3, .total = 3 }
EOF

year=$(date +%Y)
golden_begin "time" 'BEGIN { time("%Y\n"); exit(); }' <<EOF
$year


EOF

golden_begin "printf width, left-justify, hex" 'BEGIN { printf("%-8s %5d %x\n", "hi", 42, 255); exit(); }' <<'EOF'
hi          42 ff


EOF

# A program of only BEGIN/END runs them and exits without exit().
golden_begin "BEGIN and END without exit()" 'BEGIN { printf("begin\n"); @b = 1; } END { printf("end\n"); }' <<'EOF'
begin
end


@b: 1
EOF

finish
