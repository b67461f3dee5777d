#!/usr/bin/env bash
# kprobe/kretprobe count exactly: a python workload opens a file N times and a missing file M
# times (one do_sys_openat2 call each). The issue's one-liner `@[comm] = count()` runs alongside
# a pid-filtered copy, the kretprobe tells successes from ENOENT by retval, arg1 is the file name,
# an offset probe (+5: Debian's 6.1 kernel has no IBT, so every traceable function starts with
# the 5-byte __fentry__ call) fires as often, and kstack(3) starts in do_sys_openat2.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=7
M=3
echo data >"$TMPD/file"
open_workload "$TMPD/file" $N "$TMPD/missing" $M || finish
bg_start count -e "kprobe:do_sys_openat2 { @[comm] = count(); }
kprobe:do_sys_openat2 /pid == $WL_PID/ { @names[str(arg1)] = count(); @stack[kstack(3)] = count(); }
kprobe:do_sys_openat2+5 /pid == $WL_PID/ { @offset = count(); }
kretprobe:do_sys_openat2 /pid == $WL_PID/ { @ret[(int64)retval < 0 ? \"error\" : \"fd\"] = count(); @enoent[(int64)retval] = count(); }
$READY_PROBE"
if wait_ready count; then
  workload_run
  bg_stop count INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_match "the issue's @[comm] = count() counts the workload's calls exactly" "$OUT" \
    "^@\[python3\]: $((N + M))\$"
  assert_contains "arg1 is the file name (kprobe, pt_regs)" "$OUT" "@names[$TMPD/file]: $N"
  assert_contains "arg1 for the missing file" "$OUT" "@names[$TMPD/missing]: $M"
  assert_contains "kprobe:do_sys_openat2+5 fires once per call" "$OUT" "@offset: $((N + M))"
  assert_contains "kretprobe retval: successes" "$OUT" "@ret[fd]: $N"
  assert_contains "kretprobe retval: failures" "$OUT" "@ret[error]: $M"
  assert_contains "kretprobe retval is -ENOENT for the missing file" "$OUT" "@enoent[-2]: $M"
  assert_match "kstack(3) starts in the probed function" "$OUT" '^        do_sys_openat2\+[0-9]+$'
  frames=$(printf '%s\n' "$OUT" | sed -n '/^@stack\[$/,/^\]/p' | grep -c '^        ')
  assert_eq "kstack(3) has 3 frames" 3 "$frames"
  assert_match "probes are listed in -v and Attached counts them" "$(cat "$TMPD/count.err")" \
    '^Attached 5 probes'
fi
finish
