#!/usr/bin/env bash
# The language in BEGIN programs: printf conversions and flags, the builtins (pid tid uid gid comm
# cpu nsecs elapsed probe rand cgroup curtask) checked against facts the test knows, time(),
# positional parameters, variables, if/else, ternary, string comparison, tuples, print(),
# exit() and exit(code), delete/clear/zero, compound assignment, ++/--, integer casts, signed
# division/modulo, operator precedence.
source "$(dirname "$0")/lib.sh"

# prog_out WHAT PROGRAM EXPECTED [ARGS...]: run with -q, expect exit 0 and exactly EXPECTED on stdout
# (trailing newlines aside: the exit-time "\n\n" is checked in golden_begin.sh).
prog_out() {
  local what=$1 prog=$2 expected=$3
  shift 3
  bps -q -e "$prog" "$@"
  if [ "$RC" != 0 ]; then
    fail "$what: exit status $RC" "$prog
$ERR"
    return
  fi
  assert_eq "$what" "$expected" "$OUT"
}

# --- printf ---------------------------------------------------------------------------------
prog_out "printf %i %ld %lld %lu %llu %lx %hhd %.3s %-4d %+d %#x %p" \
  'BEGIN { printf("%i|%ld|%lld|%lu|%llu|%lx|%hhd|%.3s|%-4d|%+d|%#x|%p\n", 7, -8, 9, 10, 11, 255, 3, "abcdef", 5, 6, 255, 4096); exit(); }' \
  '7|-8|9|10|11|ff|3|abc|5   |+6|0xff|0x1000'
prog_out "printf of 64-bit values with %ld/%lu/%lx" \
  'BEGIN { printf("%ld %lu %lx\n", -5000000000, 5000000000, 0x123456789a); exit(); }' \
  '-5000000000 5000000000 123456789a'
# Without a length modifier the integer conversions are C's: 32 bits (the reference prints %u of
# -1 as 4294967295); hh/h/j select 8/16/64 bits (bpftrace's runtime test printf_length_modifiers).
prog_out "printf length modifiers hh h (none) j on a 64-bit value" \
  'BEGIN { $x = 0x12345678abcdef; printf("%hhx %hx %x %jx\n", $x, $x, $x, $x); exit(); }' \
  'ef cdef 78abcdef 12345678abcdef'
prog_out "printf %d %u %x of a value above 32 bits use its low 32 bits" \
  'BEGIN { $x = 5000000000; printf("%d %u %x %ld\n", $x, $x, $x, $x); exit(); }' \
  '705032704 705032704 2a05f200 5000000000'
prog_out "printf %c of integers" 'BEGIN { printf("%c%c%c%c\n", 0x41, 0x42, 0x43, 0x44); exit(); }' 'ABCD'
prog_out "printf with many mixed arguments" \
  'BEGIN { printf("%dst: %sa; %dnd: %sb;; %drd: %sc;;; %dth: %sd;;;;\n", 1, "a", 2, "ab", 3, "abc", 4, "abcd"); exit(); }' \
  '1st: aa; 2nd: abb;; 3rd: abcc;;; 4th: abcdd;;;;'
prog_out "printf with no arguments, and %% alone" 'BEGIN { printf("plain\n"); printf("100%%\n"); exit(); }' 'plain
100%'
prog_out "printf escapes \\t \\\" \\\\" 'BEGIN { printf("a\tb\"c\\d\n"); exit(); }' 'a	b"c\d'

# --- builtins, against facts the test knows -------------------------------------------------
mono_ns() { "$PYTHON" -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))'; }
t_before=$(mono_ns)
"$BPFSCOPE" -q -e 'BEGIN { printf("%d\n%d\n%d\n%d\n%s\n%d\n%lu\n%lu\n%s\n%u\n%u\n%lu\n%lx\n", pid, tid, uid, gid, comm, cpu, nsecs, elapsed, probe, rand, rand, cgroup, curtask); exit(); }' \
  </dev/null >"$TMPD/builtins.out" 2>"$TMPD/builtins.err" &
bp=$!
EXTRA_PIDS+=("$bp")
wait "$bp"
RC=$?
t_after=$(mono_ns)
assert_rc "builtins program" 0 "$RC"
mapfile -t v <"$TMPD/builtins.out"
assert_eq "pid in BEGIN is bpfscope's own pid" "$bp" "${v[0]:-}"
assert_eq "tid in BEGIN is bpfscope's main thread (= pid)" "$bp" "${v[1]:-}"
assert_eq "uid" "$(id -u)" "${v[2]:-}"
assert_eq "gid" "$(id -g)" "${v[3]:-}"
assert_eq "comm in BEGIN" "bpfscope" "${v[4]:-}"
if [[ "${v[5]:-x}" =~ ^[0-9]+$ ]] && [ "${v[5]}" -lt "$(nproc)" ]; then
  pass "cpu ${v[5]} < nproc $(nproc)"
else
  fail "cpu should be a CPU number below $(nproc), got '${v[5]:-}'"
fi
if [[ "${v[6]:-x}" =~ ^[0-9]+$ ]] && [ "${v[6]}" -gt "$t_before" ] && [ "${v[6]}" -lt "$t_after" ]; then
  pass "nsecs is CLOCK_MONOTONIC, between the times taken before and after the run"
else
  fail "nsecs '${v[6]:-}' should lie between $t_before and $t_after (CLOCK_MONOTONIC)"
fi
if [[ "${v[7]:-x}" =~ ^[0-9]+$ ]] && [ "${v[7]}" -lt "$((t_after - t_before))" ]; then
  pass "elapsed in BEGIN (${v[7]} ns) is less than the whole run"
else
  fail "elapsed in BEGIN should be a small number of ns, got '${v[7]:-}' (run took $((t_after - t_before)) ns)"
fi
assert_eq "probe in BEGIN" "BEGIN" "${v[8]:-}"
if [[ "${v[9]:-x}" =~ ^[0-9]+$ ]] && [[ "${v[10]:-x}" =~ ^[0-9]+$ ]] && [ "${v[9]}" != "${v[10]}" ] \
  && [ "${v[9]}" -le 4294967295 ] && [ "${v[10]}" -le 4294967295 ]; then
  pass "rand gives two different 32-bit numbers (${v[9]}, ${v[10]})"
else
  fail "rand should give two different 32-bit numbers, got '${v[9]:-}' '${v[10]:-}'"
fi
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
cgpath=$(sed -n 's/^0:://p' /proc/self/cgroup)
if [ -n "$cg2" ] && [ -n "$cgpath" ] && [ -d "$cg2$cgpath" ]; then
  assert_eq "cgroup is the cgroup v2 id (inode) of $cgpath" "$(stat -c %i "$cg2$cgpath")" "${v[11]:-}"
else
  echo "      (no cgroup v2 hierarchy: cgroup id not checked against the filesystem)"
fi
assert_match "curtask is a kernel address" "${v[12]:-}" '^ffff[0-9a-f]{12}$'

prog_out "time() with a strftime format" 'BEGIN { time("%Y-%m-%d\n"); exit(); }' "$(date +%Y-%m-%d)"
bps -q -e 'BEGIN { time("%H:%M:%S\n"); exit(); }'
assert_match "time(\"%H:%M:%S\")" "$OUT" '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]$'

# --- positional parameters ------------------------------------------------------------------
prog_out "\$1 as a number, str(\$2), \$#" 'BEGIN { printf("%d %s %d\n", $1, str($2), $#); exit(); }' \
  '42 hello 2' 42 hello
prog_out "\$1 in arithmetic and in a filter-like if" 'BEGIN { if ($1 > 10) { printf("%d\n", $1 * 2); } exit(); }' '30' 15
prog_out "\$# with no parameters" 'BEGIN { printf("%d\n", $#); exit(); }' '0'

# --- variables, control flow ----------------------------------------------------------------
prog_out "scratch variables and reassignment" 'BEGIN { $a = 1; $b = $a + 41; $a = $b * 2; printf("%d %d\n", $a, $b); exit(); }' '84 42'
prog_out "string variables" 'BEGIN { $s = "abc"; $s = "de"; printf("%s|\n", $s); exit(); }' 'de|'
prog_out "if / else if / else" 'BEGIN { $v = 5; if ($v > 10) { printf("big\n"); } else if ($v > 3) { printf("medium\n"); } else { printf("small\n"); } if ($v == 0) { printf("zero\n"); } exit(); }' 'medium'
prog_out "ternary, numeric and string" 'BEGIN { $v = 5; printf("%d %s\n", $v > 3 ? 100 : 200, $v < 3 ? "yes" : "no"); exit(); }' '100 no'
prog_out "string == and !=" 'BEGIN { $s = "abc"; if ($s == "abc") { printf("eq\n"); } if ($s != "abd") { printf("ne\n"); } if ($s == "ab") { printf("prefix-equal?\n"); } if (comm == "bpfscope") { printf("comm\n"); } exit(); }' 'eq
ne
comm'
prog_out "logical operators short-circuit in if" 'BEGIN { $z = 0; if ($z != 0 && 10 / $z > 1) { printf("no\n"); } else { printf("ok\n"); } exit(); }' 'ok'
prog_out "tuples: fields, nesting, print" 'BEGIN { $t = (1, "a", (2, 3)); printf("%d %s %d\n", $t.0, $t.1, $t.2.1); print($t); exit(); }' '1 a 3
(1, a, (2, 3))'
prog_out "print of int, negative int, string, tuple" 'BEGIN { print(7); print(-7); print("s"); print((-1, "x")); exit(); }' '7
-7
s
(-1, x)'

# --- exit ---------------------------------------------------------------------------------
prog_out "exit() ends the probe: nothing after it runs; END still runs" \
  'BEGIN { printf("a\n"); exit(); printf("b\n"); } END { printf("end\n"); }' 'a
end'
bps -q -e 'BEGIN { exit(69); }'
assert_rc "exit(69) sets bpfscope's exit status (bpftrace >= 0.22)" 69 "$RC"
bps -q -e 'interval:ms:20 { exit(3); }'
assert_rc "exit(3) from an interval probe" 3 "$RC"

# --- maps: delete / clear / zero / print ----------------------------------------------------
bps -e 'BEGIN { @a[1] = 1; @a[2] = 2; delete(@a, 1); @b[1] = count(); @b[1] = count(); zero(@b); @c = 5; clear(@c); @d["k"] = 1; @d["j"] = 2; delete(@d["k"]); @e[1] = 1; clear(@e); exit(); }'
assert_eq "delete(@a, key), zero() keeps keys, clear() empties, delete(@d[key])" "

@a[2]: 2
@b[1]: 0
@d[j]: 2" "$OUT"
# (print(@m) reads the map when user space handles the event, as in bpftrace: not a snapshot, so
# the map is left alone after it.)
prog_out "print(@map) mid-program, then the map at exit" 'BEGIN { @m["a"] = 2; @m["b"] = 1; print(@m); exit(); }' '@m[b]: 1
@m[a]: 2


@m[b]: 1
@m[a]: 2'
prog_out "map read of a missing key is 0" 'BEGIN { @m[1] = 5; printf("%d %d\n", @m[1], @m[2]); clear(@m); exit(); }' '5 0'

# --- compound assignment, ++/-- -------------------------------------------------------------
prog_out "compound assignment on a variable" 'BEGIN { $x = 10; $x += 5; $x -= 3; $x *= 2; $x /= 4; printf("%d ", $x); $x %= 4; $x <<= 3; $x >>= 1; $x |= 1; $x &= 13; $x ^= 6; printf("%d\n", $x); exit(); }' '6 15'
prog_out "compound assignment on a map" 'BEGIN { @x = 1; @x += 2; @x *= 5; @x -= 1; printf("%d\n", @x); delete(@x); @k[1] = 3; @k[1] <<= 2; printf("%d\n", @k[1]); clear(@k); exit(); }' '14
12'
prog_out "++/-- on a variable, pre and post" 'BEGIN { $x = 10; printf("%d", $x++); printf(" %d", ++$x); printf(" %d", $x--); printf(" %d\n", --$x); exit(); }' '10 12 12 10'
prog_out "++/-- on a map, pre and post" 'BEGIN { @x = 10; printf("%d", @x++); printf(" %d", ++@x); printf(" %d", @x--); printf(" %d\n", --@x); delete(@x); exit(); }' '10 12 12 10'
bps -e 'BEGIN { @n++; @n++; @k["a"]++; @k["a"]++; @k["b"]--; exit(); }'
assert_rc "++/-- on maps never assigned before (bpftrace: implicit int64 0)" 0 "$RC" || show_last
assert_eq "@n++ twice, @k[key]++ / -- on new keys" "

@k[b]: -1
@k[a]: 2
@n: 2" "$OUT"

# --- integer casts, division, precedence ----------------------------------------------------
prog_out "integer casts truncate and sign/zero-extend" \
  'BEGIN { printf("%d %d %d %d %lu %ld\n", (uint8)257, (int8)255, (uint16)-1, (int32)4294967296, (uint32)-1, (int16)40000); exit(); }' \
  '1 -1 65535 0 4294967295 -25536'
prog_out "signed division and modulo truncate toward zero (runtime values)" \
  'BEGIN { $a = -7; $b = 2; $c = 7; $d = -2; printf("%d %d %d %d %d %d\n", $a / $b, $a % $b, $c / $d, $c % $d, $a / $d, $a % $d); exit(); }' \
  '-3 -1 -3 1 3 -1'
prog_out "signed division and modulo of constants" \
  'BEGIN { printf("%d %d %d %d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2); exit(); }' \
  '-3 -1 -3 1'
prog_out "unsigned division stays unsigned" \
  'BEGIN { $u = (uint64)18446744073709551614; printf("%lu\n", $u / 2); exit(); }' \
  '9223372036854775807'
prog_out "operator precedence and associativity (C rules)" \
  'BEGIN { printf("%d %d %d %d %d %d %d %d %d %d %d %d\n", 2 + 3 * 4, (2 + 3) * 4, 1 << 2 + 1, 7 & 3 == 3, 10 - 4 - 3, 100 / 10 / 5, !0 + 1, -2 * 3, 1 || 0 && 0, 5 > 3 == 1, ~0 & 0xff, 6 ^ 3 | 8); exit(); }' \
  '14 20 8 1 3 2 2 -6 1 1 255 13'
prog_out "comparison results and logical not" \
  'BEGIN { printf("%d %d %d %d %d %d\n", 1 < 2, 2 <= 1, 3 >= 3, 4 > 5, !5, !!5); exit(); }' \
  '1 0 1 0 0 1'
prog_out "hex literals and digit separators" \
  'BEGIN { printf("%d %d\n", 0x10, 1_000); exit(); }' \
  '16 1000'

finish
