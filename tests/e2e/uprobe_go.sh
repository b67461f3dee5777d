#!/usr/bin/env bash
# uprobes and uretprobes on a Go program (tests/programs/go_stack.go, built with Debian's Go):
#   - arg0/arg1 of main.add and its retval, from Go's register ABI (written plain and quoted)
#   - uretprobe on a function whose goroutine stacks grow while it is traced: bpfscope attaches
#     uprobes at its RET instructions instead of a kernel uretprobe (which makes Go abort with
#     "unexpected return pc"), the program exits normally and every call is seen returning
#   - -v tells how the Go uretprobe is placed
source "$(dirname "$0")/lib.sh"

[ -e /sys/bus/event_source/devices/uprobe/type ] ||
  skip "this kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS)"

if ! command -v go >/dev/null; then
  fail "go is not installed (Debian package golang-go, see scripts/setup.sh)"
  finish
fi
export HOME="$TMPD" GOCACHE="$TMPD/gocache" GOPATH="$TMPD/gopath" GOFLAGS=-mod=mod GO111MODULE=off
if ! go build -o "$TMPD/gostack" "$SRCDIR/tests/programs/go_stack.go" 2>"$TMPD/build.err"; then
  fail "cannot build tests/programs/go_stack.go" "$(cat "$TMPD/build.err")"
  finish
fi
cd "$TMPD" || finish

# The program runs under a wrapper that keeps its output and exit status apart from bpfscope's.
GOROUTINES=2000
cat >run.sh <<SH
#!/bin/sh
./gostack \$1 >prog.out 2>prog.err
echo \$? >prog.rc
SH
chmod +x run.sh

# 1. Arguments and return value of main.add (plain and quoted names).
for name in main.add '"main.add"'; do
  rm -f prog.rc
  bps -c "./run.sh 1" -e "uprobe:./gostack:$name { printf(\"%d %d\\n\", arg0, arg1); }
uretprobe:./gostack:$name { printf(\"= %d\\n\", retval); }"
  assert_rc "add ($name): bpfscope exits 0" 0 "$RC"
  assert_eq "add ($name): arg0, arg1 and retval" "1 10
= 11
2 20
= 22
3 30
= 33" "$OUT"
  assert_eq "add ($name): the program exits 0" "0" "$(cat prog.rc 2>/dev/null)"
done

# 2. Thousands of goroutines growing their stacks inside the traced function.
rm -f prog.rc
bps -c "./run.sh $GOROUTINES" -e 'uprobe:./gostack:main.grow { @calls = count(); }
uretprobe:./gostack:main.grow { @returns = count(); }'
assert_rc "grow: bpfscope exits 0" 0 "$RC"
assert_eq "grow: the program exits 0" "0" "$(cat prog.rc 2>/dev/null)"
assert_not_contains "grow: no 'unexpected return pc'" "$(cat prog.err 2>/dev/null)" \
  "unexpected return pc"
assert_eq "grow: the program's result" "total $((GOROUTINES * 20))" \
  "$(grep total prog.out 2>/dev/null)"
calls=$((GOROUTINES * 21))
assert_eq "grow: every call counted, on entry and on return" "@calls: $calls
@returns: $calls" "$(grep -E '^@(calls|returns):' <<<"$OUT" | sort)"

# 3. -v says what was done for the Go uretprobe.
bps -v -c "./run.sh 1" -e 'uretprobe:./gostack:main.add { }'
assert_contains "-v: uretprobe placed on RET instructions" "$ERR" "uprobe on its RET instruction"

finish
