#!/usr/bin/env bash
# ustack on uprobes, with frames named from the ELF symbols of the traced program (built here with
# frame pointers): main -> outer -> middle -> inner, probed inside inner (after its prologue, so
# that the frame chain is complete on any kernel). The expected return offsets come from objdump:
# the address after each `call`, minus the calling function's start.
#   - printf("%s", ustack(4)): bpftrace's format, "\n" then one "        func+off" per frame
#   - ustack(3) as a map key, ustack(perf, 2), and a C++ frame (demangled)
#   - with -c, frames named after the child has exited (from its memory map copied at its exec)
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"
command -v objdump >/dev/null || { fail "objdump (binutils) is needed by this test"; finish; }

FLAGS="-O0 -fno-omit-frame-pointer -fcf-protection=none"
if ! cc $FLAGS -o "$TMPD/prog" "$SRCDIR/tests/programs/uprobe_target.c" 2>"$TMPD/build.err" ||
  ! c++ $FLAGS -o "$TMPD/app" "$SRCDIR/tests/programs/uprobe_cpp.cpp" 2>>"$TMPD/build.err"; then
  fail "cannot build the test programs" "$(cat "$TMPD/build.err")"
  finish
fi
cd "$TMPD" || finish
objdump -d --no-show-raw-insn -C prog app >"$TMPD/disasm"

# return_offset CALLER CALLEE: offset in CALLER of the instruction after its call to CALLEE.
return_offset() {
  local addresses
  addresses=$(awk -v caller="<$1>:" -v callee="<$2>" '
    $2 == caller { start = $1; inside = 1; next }
    inside && /^$/ { inside = 0 }
    inside && found { sub(":", "", $1); print start, $1; exit }
    inside && $0 ~ /call/ && index($0, callee) { found = 1 }' "$TMPD/disasm")
  set -- $addresses
  [ $# -eq 2 ] && echo $((16#$2 - 16#$1))
}
# The probe goes after `push %rbp; mov %rsp,%rbp` (1 + 3 bytes): check that inner starts so.
prologue=$(awk '$2 == "<inner>:" { getline a; getline b; print a; print b; exit }' "$TMPD/disasm" |
  awk '{ $1 = ""; print }' | tr -s ' ' | sed 's/^ //')
assert_eq "inner starts with the frame pointer prologue" "push %rbp
mov %rsp,%rbp" "$prologue"
MIDDLE=$(return_offset middle inner)
OUTER=$(return_offset outer middle)
MAIN=$(return_offset main outer)

# stopped_at_end PROGRAM ARGS...: runs PROGRAM (with "hold" it stops itself before exiting, so
# that its memory map is still there when bpfscope names the frames); SP is its pid.
stopped_at_end() {
  "$@" &
  SP=$!
  EXTRA_PIDS+=("$SP")
  for ((i = 0; i < 1000; i++)); do
    [ "$(awk '{print $3}' "/proc/$SP/stat" 2>/dev/null)" == "T" ] && return 0
    sleep 0.01
  done
  fail "$1 did not stop before exiting"
  return 1
}
wait_probes() {
  local pidvar="BG_PID_$1" i
  for ((i = 0; i < ATTACH_TIMEOUT * 100; i++)); do
    [ "$(ls -l "/proc/${!pidvar}/fd" 2>/dev/null | grep -c perf_event)" -ge "$2" ] && return 0
    sleep 0.01
  done
  fail "bpfscope $1 did not attach $2 probes" "$(cat "$TMPD/$1.err")"
  return 1
}

bg_start stack -e 'uprobe:./prog:inner+4 { printf("%s", ustack(4)); @[ustack(3)] = count();
  printf("%s", ustack(perf, 2)); }'
if wait_attached stack && wait_probes stack 1 && stopped_at_end ./prog 1 hold; then
  bg_stop stack INT
  kill -CONT "$SP"
  assert_rc "ustack program exits 0 on SIGINT" 0 "$RC"
  printf '%s\n' "" \
    "        inner+4" "        middle+$MIDDLE" "        outer+$OUTER" "        main+$MAIN" \
    >"$TMPD/expected"
  head -5 "$TMPD/stack.out" >"$TMPD/actual"
  if diff -u --label expected --label actual "$TMPD/expected" "$TMPD/actual" >"$TMPD/diff"; then
    pass "printf of ustack(4): four frames named func+offset, bpftrace's layout"
  else
    fail "printf of ustack(4) differs" "$(cat -A "$TMPD/diff" | sed 's/\$$//')"
  fi
  assert_match "ustack(perf, 2): tab, hex address, inner+4" "$OUT" $'^\t[0-9a-f]+ inner\\+4$'
  assert_match "ustack(perf, 2): second frame middle" "$OUT" $'^\t[0-9a-f]+ middle\\+'"$MIDDLE"'$'
  assert_contains "ustack(3) as a map key" "$OUT" "@[
        inner+4
        middle+$MIDDLE
        outer+$OUTER
]: 1"
fi

# A C++ frame, demangled, with its caller.
bg_start cxx -e 'uprobe:./app:"ns::free_function(long)+4" { printf("%s", ustack(2)); }'
if wait_attached cxx && wait_probes cxx 1 && stopped_at_end ./app hold; then
  bg_stop cxx INT
  kill -CONT "$SP"
  assert_eq "ustack(2) in C++: demangled frames" "
        ns::free_function(long)+4
        main+$(return_offset main 'ns::free_function(long)')" "$OUT"
fi

# -c: the child (which runs for a millisecond) has exited when the map is printed; its memory
# map, copied while it was held right after its exec, still names the frames.
bps -c './prog 1' -e 'uprobe:./prog:inner+4 { @[ustack(2)] = count(); }'
assert_eq "-c: ustack map key named after the child exited" "

@[
        inner+4
        middle+$MIDDLE
]: 1" "$OUT"

finish
