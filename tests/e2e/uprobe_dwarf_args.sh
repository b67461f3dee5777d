#!/usr/bin/env bash
# DWARF-typed uprobe arguments (`args.NAME`) on tests/programs/dwarf_args.c, built here with -g:
#   - integers with their width and sign, a typedef'd uint64_t, str() of a `const char *`, a
#     `long *` printed in hex
#   - a double before an int (SSE register: the int is still the first integer register)
#   - DWARF in a separate file found through .gnu_debuglink; C++ methods (after `this`)
#   - `-lv` prints the signature; a binary without DWARF, an unknown field (with a suggestion),
#     a uretprobe, a function without parameters and a struct by value are refused clearly
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

for variant in "dwarf_args -g" "nodwarf"; do
  set -- $variant
  if ! cc -O0 -fcf-protection=none ${2:-} -o "$TMPD/$1" "$SRCDIR/tests/programs/dwarf_args.c" \
    2>"$TMPD/build.err"; then
    fail "cannot build $1" "$(cat "$TMPD/build.err")"
    finish
  fi
done
cd "$TMPD" || finish

# 1. Values of every readable parameter, as the program passes them.
bps -c ./dwarf_args -e 'uprobe:./dwarf_args:describe {
  printf("%s %d %d %x\n", str(args.name), args.count, args.delta, args.tag);
  print(args.delta);
}
uprobe:./dwarf_args:scale { print(args.base); }
uprobe:./dwarf_args:count_bytes { printf("%s %d\n", str(args.data), args.len); }'
assert_rc "bpfscope exits 0 with the program" 0 "$RC"
assert_eq "describe(\"widget\", 7, -3, 0x1234), scale(2.5, 40, ...), count_bytes(\"AB\", 16)" \
  "widget 7 -3 1234
-3
40
AB 16" "$OUT"

# 2. Types follow DWARF: a short is signed, an unsigned int widens without sign.
bps -c ./dwarf_args -e 'uprobe:./dwarf_args:describe { @d = args.delta * 1000; @c = args.count * 1000000000; }'
assert_eq "int16 stays signed, uint32 widens without sign" "

@c: 7000000000
@d: -3000" "$OUT"

# Pointers print in hex, as %p shows them.
bps -c ./dwarf_args -e 'uprobe:./dwarf_args:scale { print(args.total); printf("%p\n", args.total); }'
assert_match "a pointer prints in hex" "$OUT" '^0x[0-9a-f]{6,}$'
assert_eq "print() and %p agree" "$(printf '%s\n' "$OUT" | sed -n 1p)" \
  "$(printf '%s\n' "$OUT" | sed -n 2p)"

# 3. -lv lists the signature.
bps -lv 'uprobe:./dwarf_args:describe'
assert_eq "-lv shows the parameters" "uprobe:$TMPD/dwarf_args:describe
    const char * name
    unsigned int count
    short int delta
    uint64_t tag" "$OUT"
bps -lv 'uprobe:./nodwarf:describe'
assert_eq "-lv without DWARF: the name only" "uprobe:$TMPD/nodwarf:describe" "$OUT"
assert_eq "-lv without DWARF: a warning" \
  "WARNING: No DWARF found for $TMPD/nodwarf, cannot show parameter info" "$ERR"

# 4. DWARF in a separate file (objcopy --only-keep-debug, then strip), found through the
#    binary's .gnu_debuglink in .debug/ beside it.
mkdir -p "$TMPD/split/.debug"
cp "$TMPD/dwarf_args" "$TMPD/split/prog"
if (cd "$TMPD/split" && objcopy --only-keep-debug prog .debug/prog.debug &&
  strip --strip-debug prog && objcopy --add-gnu-debuglink=.debug/prog.debug prog) \
  2>"$TMPD/split.err"; then
  bps -c ./split/prog -e 'uprobe:./split/prog:describe { printf("%s %d\n", str(args.name), args.delta); }'
  assert_eq "separate debug file: args read" "widget -3" "$OUT"
  bps -lv 'uprobe:./split/prog:scale'
  assert_eq "separate debug file: -lv" "uprobe:$TMPD/split/prog:scale
    double factor
    int base
    long int * total" "$OUT"
else
  fail "cannot split the debug info with objcopy/strip" "$(cat "$TMPD/split.err")"
fi

# C++: parameters after the implicit `this`, found by the function's mangled (linkage) name.
if c++ -g -O0 -fcf-protection=none -o "$TMPD/app" "$SRCDIR/tests/programs/uprobe_cpp.cpp" \
  2>"$TMPD/build.err"; then
  bps -c ./app -e 'uprobe:./app:"ns::Klass::method(int)" { printf("%d %d\n", args.x, args.this != 0); }
uprobe:./app:"ns::free_function" { printf("%d\n", args.v); }'
  assert_eq "C++: method(int x) with 7 (this in rdi), free_function(long v) with 42" "7 1
42" "$OUT"
else
  fail "cannot build uprobe_cpp.cpp" "$(cat "$TMPD/build.err")"
fi

# 5. Errors.
bps -e 'uprobe:./nodwarf:describe { print(args.count); }'
assert_nonzero "no DWARF: refused" "$RC"
assert_eq "no DWARF: the reason" "stdin:1:35-39: ERROR: Cannot use args in uprobe:$TMPD/nodwarf:describe: no DWARF debug info in $TMPD/nodwarf (build it with -g)
uprobe:./nodwarf:describe { print(args.count); }
                                  ~~~~" "$ERR"
bps -e 'uprobe:./dwarf_args:describe { print(args.cont); }'
assert_eq "unknown field: did you mean" "stdin:1:38-47: ERROR: Can't find field 'cont' in uprobe:$TMPD/dwarf_args:describe
uprobe:./dwarf_args:describe { print(args.cont); }
                                     ~~~~~~~~~
HINT: Did you mean 'count'? fields: name, count, delta, tag" "$ERR"
bps -e 'uretprobe:./dwarf_args:describe { print(args.count); }'
assert_contains "uretprobe: refused" "$ERR" \
  "ERROR: args (DWARF-typed arguments) are available only in uprobes on a function's entry, not in uretprobe:$TMPD/dwarf_args:describe"
bps -e 'uprobe:./dwarf_args:no_params { print(args.x); }'
assert_contains "no parameters" "$ERR" "no_params has no parameters"
bps -e 'uprobe:./dwarf_args:by_value { print(args.after); }'
assert_contains "struct by value" "$ERR" "by_value has no parameter readable from registers"

finish
