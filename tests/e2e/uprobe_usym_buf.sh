#!/usr/bin/env bash
# usym() and buf() in uprobes on tests/programs/dwarf_args.c (built here):
#   - usym(reg("ip")) is the probed function; usym(arg0) of apply(fn): the function pointer named in user space from the process's
#     memory map (PIE), as text, as a map key and in JSON; an address in no function stays hex
#   - buf(ptr, len) of count_bytes()'s buffer "AB\0\x01\xff...": %r, %rx, %rh, print(), a run-time
#     length, a map value
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

if ! cc -g -O0 -fcf-protection=none -o "$TMPD/prog" "$SRCDIR/tests/programs/dwarf_args.c" \
  2>"$TMPD/build.err"; then
  fail "cannot build dwarf_args" "$(cat "$TMPD/build.err")"
  finish
fi
cd "$TMPD" || finish

# 1. usym: apply(no_params) then apply(scale_by_two).
bps -c ./prog -e 'uprobe:./prog:apply {
  printf("%s|", usym(arg0)); print(usym(args.fn)); @[usym(arg0)] = count(); print(usym(16));
}'
assert_rc "usym: bpfscope exits 0" 0 "$RC"
assert_eq "usym: function pointers named, an unmapped address in hex" "no_params|no_params
0x10
scale_by_two|scale_by_two
0x10


@[no_params]: 1
@[scale_by_two]: 1" "$OUT"

bps -f json -c ./prog -e 'uprobe:./prog:apply { print(usym(arg0)); }'
assert_eq "usym: JSON" '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": "no_params"}
{"type": "value", "data": "scale_by_two"}' "$OUT"

# usym(reg("ip")) in a uprobe is the probed function; reg("di") is the first argument.
bps -c ./prog -e 'uprobe:./prog:describe,uprobe:./prog:count_bytes {
  printf("%s %s %d\n", usym(reg("ip")), func, reg("si") == arg1); }'
assert_eq "usym(reg(\"ip\")) names the probed function; reg(\"si\") is arg1" "describe describe 1
count_bytes count_bytes 1" "$OUT"

# 2. buf: the first bytes of "AB\0\x01\xff" + zeroes.
bps -c ./prog -e 'uprobe:./prog:count_bytes {
  printf("[%r] [%rx] [%rh]\n", buf(args.data, 6), buf(arg0, 3), buf(arg0, 5));
  print(buf(arg0, 2));
  $n = args.len / 4;
  printf("%r\n", buf(arg0, $n));
  @b = buf(arg0, 5);
}'
assert_rc "buf: bpfscope exits 0" 0 "$RC"
assert_eq "buf: %r, %rx, %rh, print, run-time length, map value" \
  '[AB\x00\x01\xff\x00] [\x41\x42\x00] [41 42 00 01 ff]
AB
AB\x00\x01


@b: AB\x00\x01\xff' "$OUT"

bps -e 'BEGIN { printf("%rx\n", 1); }'
assert_contains "%rx of an integer: refused" "$ERR" \
  "printf: %rx specifier expects a value of type buffer (integer supplied)"

finish
