#!/usr/bin/env bash
# uprobes and uretprobes on programs this test builds from tests/programs (PIE, non-PIE, a shared
# library and a program linking it, C++), with exact output:
#   - arg0/arg1 and retval of add(i, 10 * i), in a PIE and a non-PIE build
#   - str(arg0) of a user-space string; func and probe
#   - wildcards (one probe per function), aliases u/ur, NAME+OFFSET and 0xADDRESS
#   - a function of a shared library, by path and as the library is mapped by its user
#   - C++ functions by demangled name (quoted), all overloads without parameters, a glob
#   - listing with -l, errors for a missing binary/function (with a suggestion)
#   - a SIGKILLed bpfscope leaves no uprobe behind
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

PROGS="$SRCDIR/tests/programs"
build() {
  local out=$1
  shift
  if ! "$@" -o "$TMPD/$out" 2>"$TMPD/build.err"; then
    fail "cannot build $out: $*" "$(cat "$TMPD/build.err")"
    finish
  fi
}
build prog cc -O0 -fcf-protection=none "$PROGS/uprobe_target.c"
build prog_nopie cc -O0 -fcf-protection=none -no-pie "$PROGS/uprobe_target.c"
build libuptest.so cc -O0 -shared -fPIC "$PROGS/uprobe_lib.c"
build libuser cc -O0 "$PROGS/uprobe_libuser.c" -L"$TMPD" -luptest -Wl,-rpath,"$TMPD"
build app c++ -O0 "$PROGS/uprobe_cpp.cpp"
cd "$TMPD" || finish

# wait_probes NAME N: waits until bpfscope NAME holds N perf events (its probes are attached),
# whatever it has printed.
wait_probes() {
  local pidvar="BG_PID_$1" i n
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    n=$(ls -l "/proc/${!pidvar}/fd" 2>/dev/null | grep -c 'perf_event')
    [ "$n" -ge "$2" ] && return 0
    sleep 0.01
  done
  fail "bpfscope $1 did not attach $2 probes" "$(cat "$TMPD/$1.err")"
  return 1
}

# Most runs use -c: bpfscope starts the program once every probe is attached and exits when it
# exits, so no event is missed and nothing waits on a fixed delay.

# 1. Arguments and return values, PIE (relative path) and non-PIE (absolute path).
for variant in prog prog_nopie; do
  path=./$variant
  [ "$variant" == prog_nopie ] && path=$TMPD/$variant
  bps -c "./$variant 3" -e "uprobe:$path:add { printf(\"%d %d\\n\", arg0, arg1); }
uretprobe:$path:add { printf(\"= %d\\n\", retval); }"
  assert_rc "$variant: bpfscope exits 0 when the program exits" 0 "$RC"
  assert_eq "$variant: arg0, arg1 of add() and its retval" "1 10
= 11
2 20
= 22
3 30
= 33" "$OUT"
  assert_eq "$variant: two probes attached" "Attached 2 probes" "$ERR"
done

# 2. str() of a user pointer, func and probe, with the u/ur aliases.
bps -c './prog 1' -e 'u:./prog:greet { printf("%s %s %s\n", str(arg0), func, probe); }
ur:./prog:greet { printf("%s %d\n", probe, retval); }'
assert_eq "str(arg0), func, probe of uprobe and uretprobe" "world greet uprobe:$TMPD/prog:greet
uretprobe:$TMPD/prog:greet 5" "$OUT"

# 3. Wildcards: one probe per matching function.
bps -c './prog 1' -e 'uprobe:./prog:read* { @[func] = count(); }'
assert_eq "read* matches three functions, each called once" "

@[read_one]: 1
@[read_two]: 1
@[reader]: 1" "$OUT"
assert_eq "read* attaches three probes" "Attached 3 probes" "$ERR"

# 4. NAME+OFFSET and 0xADDRESS: add's first instruction after `push %rbp` is at +1; the address
#    form names add by its virtual address (from nm).
addr=$(nm "$TMPD/prog_nopie" | awk '$3 == "add" { print "0x" $1 }')
bps -c './prog_nopie 4' -e "uprobe:./prog_nopie:add+1 { @plus[func, probe] = count(); }
uprobe:./prog_nopie:$addr { @addr[func] = count(); }"
assert_eq "add+1 and the address of add fire on each of 4 calls" "

@addr[add]: 4
@plus[add, uprobe:$TMPD/prog_nopie:add+1]: 4" "$OUT"

# 5. A shared library: by its path, and by name through the process that maps it (-p).
bps -c ./libuser -e 'uprobe:./libuptest.so:lib_add { printf("%d %d\n", arg0, arg1); }
uretprobe:./libuptest.so:lib_twice { printf("twice %d\n", retval); }'
assert_eq "lib_add arguments and lib_twice's result" "1 101
2 102
3 103
5 5
twice 10" "$OUT"
# stopped_start PROGRAM ARGS...: starts PROGRAM (which stops itself when given "stop") and waits
# until it is stopped; SP is its pid.
stopped_start() {
  "$@" &
  SP=$!
  EXTRA_PIDS+=("$SP")
  for ((i = 0; i < 500; i++)); do
    [ "$(awk '{print $3}' "/proc/$SP/stat" 2>/dev/null)" == "T" ] && return 0
    sleep 0.01
  done
  fail "$1 did not stop itself"
  return 1
}
# With -p, a library named without a path is the one the process maps.
if stopped_start "$TMPD/libuser" stop; then
  bg_start libp -p "$SP" -e "uprobe:libuptest:lib_add { @[probe] = count(); }"
  if wait_attached libp && wait_probes libp 1; then
    kill -CONT "$SP"
    wait "$SP"
    "$TMPD/libuser" # another process: not counted
    bg_stop libp INT
    assert_eq "-p: lib_add found in the process's libuptest.so, counted for that process only" "

@[uprobe:$TMPD/libuptest.so:lib_add]: 4" "$OUT"
  fi
fi

# 6. C++: demangled names in quotes, all overloads by the name without parameters, a glob over
#    demangled names, and the mangled name.
cat >"$TMPD/cpp.bt" <<'EOF'
uprobe:./app:"ns::Klass::method(int)" { printf("int %d %s\n", arg1, func); }
uprobe:./app:"ns::Klass::method" { @overloads[func] = count(); }
uprobe:./app:"ns::*" { @glob = count(); }
uretprobe:./app:_ZN2ns13free_functionEl { printf("free %d %s\n", retval, func); }
EOF
bps -c ./app "$TMPD/cpp.bt"
assert_eq "C++ probes by demangled and mangled names" "int 7 ns::Klass::method(int)
free 84 ns::free_function(long)


@glob: 3
@overloads[ns::Klass::method(char const*)]: 1
@overloads[ns::Klass::method(int)]: 1" "$OUT"
assert_eq "C++ probes attached: 1 + 2 overloads + 3 + 1" "Attached 7 probes" "$ERR"

# 7. Listing.
bps -l "uprobe:$TMPD/prog:read*"
assert_eq "-l lists the functions of a binary matching a glob" "uprobe:$TMPD/prog:read_one
uprobe:$TMPD/prog:read_two
uprobe:$TMPD/prog:reader" "$OUT"
bps -l 'uprobe:./app:ns::Klass::*'
assert_eq "-l lists C++ functions demangled" "uprobe:$TMPD/app:ns::Klass::method(char const*)
uprobe:$TMPD/app:ns::Klass::method(int)" "$OUT"
bps -l 'uprobe:/bin/bash:read*'
assert_match "-l on /bin/bash lists readline" "$OUT" '^uprobe:/bin/bash:readline$'

# 8. Errors, reported at the attach point with the binary named.
bps -e 'uprobe:./prog:ad { }'
assert_rc "unknown function fails" 1 "$RC"
assert_eq "unknown function: error names the binary and suggests" "stdin:1:1-17: ERROR: No function 'ad' in $TMPD/prog
uprobe:./prog:ad { }
~~~~~~~~~~~~~~~~
HINT: Did you mean add?" "$ERR"
bps -e 'uprobe:./missing:add { }'
assert_rc "missing binary fails" 1 "$RC"
assert_contains "missing binary: clear error" "$ERR" "ERROR: uprobe: cannot find ./missing: No such file or directory"
bps -e 'uprobe:./prog:nothing* { }'
assert_contains "glob without matches" "$ERR" "ERROR: No functions matching 'nothing*' in $TMPD/prog"

# 9. No tracefs: while attached, tracefs' uprobe_events stays empty (the probes are perf PMU
#    events, owned by bpfscope's file descriptors); after SIGKILL nothing is left to clean up and
#    a new run counts its own events only.
bg_start killed -e 'uprobe:./prog:add { @ = count(); }'
if wait_attached killed; then
  for events in /sys/kernel/tracing/uprobe_events /sys/kernel/debug/tracing/uprobe_events; do
    if [ -r "$events" ]; then
      assert_eq "no uprobe in $events while attached" "" "$(cat "$events")"
      break
    fi
  done
  bg_stop killed KILL
  assert_rc "bpfscope killed" 137 "$RC"
  bps -c './prog 2' -e 'uprobe:./prog:add { @ = count(); }'
  assert_eq "after a SIGKILLed run, a new run counts its own events only" "

@: 2" "$OUT"
fi

finish
