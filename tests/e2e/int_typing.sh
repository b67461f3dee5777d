#!/usr/bin/env bash
# bpftrace v0.26's integer typing rules, run for real: literals are the smallest signed type
# holding them (`1` is an int8, `-1000` an int16; uint64 only above INT64_MAX); variables, map
# values, map keys and tuple fields are upcast to a type holding every value stored in them; a
# literal takes the type of the slot it fits; comparisons and division are signed exactly when
# the operands meet in a signed type. Each check compares printed values that the pre-v0.26
# rules got wrong (an unsigned slot printing a negative value as 2^64 - n, an unsigned comparison
# of a negative number), on BEGIN and on a tracepoint with a workload this test starts itself.
# A uint64 meeting a signed type is no error in v0.26 (bpftrace PR #5148): the slot or operation
# takes int64 and the uint64 is cast, with a warning; positive literals, and slots typed by them
# only, are sign-flexible and take the unsigned type silently. The refused cases left are
# literals that do not fit a `let $x: TYPE` (tests/bad/357-*.bt and 358-*.bt).
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- variables

# A literal takes the variable's type when it fits (int16 2, int8 -100: nothing is widened); an
# int8 given -1000 becomes an int16 (sizeof shows it), a uint8 given -1 an int16, and a read
# earlier in the loop than the widening assignment already sees the int16 (-200 is not cut to 8
# bits). An int8 given a uint32 (pid) becomes an int64; `$w = 0`, typed by a positive literal
# only, is sign-flexible and becomes a uint32.
golden "variables: literals fit, upcasts keep negative values" \
  'BEGIN { $a = (int16)0; $a = 2; $b = (int8)3; $b = -100; print(($a, $b)); $c = 1; $d = -1000; $c = $d; print(($c, sizeof($c))); $e = (uint8)200; $e = -1; print(($e, sizeof($e))); $i = 0; $v = 1; while ($i < 3) { print($v); $v = -200; $i++; } $w = 0; $w = pid; print(sizeof($w)); $x = (int8)0; $x = pid; print(sizeof($x)); exit(); }' <<'EOF'
(2, -100)
(-1000, 2)
(-1, 2)
1
-200
-200
4
8


EOF

# `let $x: TYPE` keeps TYPE: its first value is cast (300 -> 44), later ones must fit, and `+=`
# and `++` wrap at its width (250 + 10 -> 4, 255 + 1 -> 0), as C does with a uint8_t.
golden "declared integer types stay and wrap" \
  'BEGIN { let $x: uint8 = 300; print($x); $x = 250; $x += 10; print($x); $x = 255; $x++; print($x); let $y: int16; $y = (uint8)200; $y = -5; print(($y, sizeof($y))); exit(); }' <<'EOF'
44
4
0
(-5, 2)


EOF

# ---------------------------------------------------------------- operators

# uint8 against -1 meet in int16: signed. uint32 against -1: int64. int32 against uint16: int32.
# A uint64 against a literal that fits stays unsigned. Division and >> of a signed type are
# signed.
golden "comparisons, division and shifts follow the promoted signedness" \
  'BEGIN { print((uint8)5 > -1); print((uint32)7 < -1); print((int32)-5 < (uint16)3); $u = (uint64)10; print($u > 5); $n = (int16)-7; print($n / 2); print($n % 4); print((int8)-8 >> 1); $c = 0; print($c ? (uint8)200 : -1); exit(); }' <<'EOF'
true
false
true
true
-3
-3
-4
-1


EOF

# ---------------------------------------------------------------- maps and tuples

# @s starts as a uint8 (a cast: the literal 1 alone would be an int8) and ends an int16: its
# 8-byte value is printed signed. @k's key type grows from uint8 to int16 (the key -1 prints as
# -1). Tuples grow field by field.
golden "map values, map keys and tuples are upcast" \
  'BEGIN { @s = (uint8)1; @s = -5; @k[(uint8)255] = 1; @k[-1] = 2; $t = ((uint8)1, 2); $t = (-1, 70000); print($t); @t = ((uint8)1, "a"); @t = (-1000, "bcd"); exit(); }' <<'EOF'
(-1, 70000)


@k[255]: 1
@k[-1]: 2
@s: -5
@t: (-1000, bcd)
EOF

# ---------------------------------------------------------------- no common type: int64

# `$a = 0` is an int8, but typed by a positive literal only: nsecs makes it a uint64, silently.
golden "sign-flexible variable takes nsecs" \
  'BEGIN { $a = 0; $a = nsecs; print($a > 1000000); print(sizeof($a)); exit(); }' <<'EOF'
true
8


EOF
assert_not_contains "sign-flexible variable: no warning" "$ERR" "WARNING"

# A uint64 then an int64: $a is an int64, the uint64 is cast (with a warning at the cast) and
# -2 prints signed; compared and divided as an int64.
golden "uint64 then int64 makes an int64" \
  'BEGIN { $a = (uint64)1; $a = (int64)-2; print($a); print($a < 1); print($a / 2); exit(); }' <<'EOF'
-2
true
-1


EOF
assert_contains "uint64 then int64: the cast warns" "$ERR" \
  "stdin:1:14-23: WARNING: implicit cast from 'uint64' to 'int64' may change the value"

# Map values and keys: the same, printed signed. @f and @g's key, typed by positive literals
# only, take a uint64 silently.
golden "map value and key: uint64 meeting int64" \
  'BEGIN { @v = (uint64)3; @v = (int64)-7; @k[(uint64)5] = 1; @k[(int64)-5] = 2; @f = 1; @f = nsecs; @g[0] = 1; @g[(uint64)0xffffffffffffff00] = 2; print(@f > 1000000); delete(@f); exit(); }' <<'EOF'
true


@g[0]: 1
@g[18446744073709551360]: 2
@k[5]: 1
@k[-5]: 2
@v: -7
EOF
assert_contains "map value: the cast warns" "$ERR" \
  "stdin:1:14-23: WARNING: implicit cast from 'uint64' to 'int64' may change the value"
assert_contains "map key: the cast warns" "$ERR" \
  "stdin:1:44-53: WARNING: implicit cast from 'uint64' to 'int64' may change the value"

# `let $x: TYPE` casts any integer to TYPE: -1 (an int8) into a uint16 is 65535, with a warning.
golden "declared type casts a signed value" \
  'BEGIN { $b = -1; let $a: uint16 = $b; print($a); let $c: uint8; $c = (int16)-2; print($c); exit(); }' <<'EOF'
65535
254


EOF
assert_contains "declared type: the cast warns" "$ERR" \
  "WARNING: implicit cast from 'int8' to 'uint16' may change the value"

# ---------------------------------------------------------------- on a tracepoint

# The workload seeks /dev/null to offsets 0..49 (args.offset is a uint64).
seeks='fd = os.open("/dev/null", os.O_RDONLY)
for i in range(50): os.lseek(fd, i, 0)'
pyworkload_start "$seeks" || finish
prog="BEGIN { @k[(uint8)200] = (uint8)1; @m = (uint8)1; @t = ((uint8)0, \"x\"); }
tracepoint:syscalls:sys_enter_lseek /pid == $WL_PID/ {
  \$d = (int8)args.offset - 25;
  @below[\$d < (uint16)1] = count();
  @m = (int8)args.offset - 100;
  @k[(int8)(args.offset % 3) - 1] = args.offset;
  @t = ((int16)args.offset - 100, \"lseek\");
  \$small = (uint8)0;
  \$small = args.offset;
  @sum = sum(\$small);
}"
bg_start tp -e "$prog"
if wait_attached tp; then
  workload_run
  assert_rc "the workload ran to its end" 0 "$WL_RC"
  bg_stop tp INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  # $d < 1 for offsets 0..25 (26 of 50): compared as int64, not as uint64. @m, @t and @k's keys
  # went signed when the negative values came; @k's value grew from uint8 to uint64.
  assert_eq "tracepoint: signed comparison, map value, key and tuple upcasts" "

@below[false]: 24
@below[true]: 26
@k[200]: 1
@k[1]: 47
@k[-1]: 48
@k[0]: 49
@m: -51
@sum: 1225
@t: (-51, lseek)" "$OUT"
fi

finish
