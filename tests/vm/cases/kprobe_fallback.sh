#!/usr/bin/env bash
# A kernel without kprobes whose BTF allows fentry: kprobe/kretprobe run as fentry/fexit. The
# guest has kprobes, so the case hides the kprobe PMU in a private mount namespace (what bpfscope
# looks at to detect kprobes) and checks that the same script still counts exactly.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=4
echo data >"$TMPD/file"
open_workload "$TMPD/file" $N "$TMPD/missing" 0 || finish
cat >"$TMPD/hidden.sh" <<EOS
mount -t tmpfs none /sys/bus/event_source/devices/kprobe || exit 3
exec "$BPFSCOPE" "\$@"
EOS
unshare -m bash "$TMPD/hidden.sh" -v -e "kprobe:do_sys_openat2 /pid == $WL_PID/ { @calls[probe] = count(); }
kretprobe:do_sys_openat2 /pid == $WL_PID/ { @ok[(int64)retval >= 0] = count(); }
$READY_PROBE" </dev/null >"$TMPD/fallback.out" 2>"$TMPD/fallback.err" &
BG_PID=$!
BG_PIDS+=("$BG_PID")
BG_PID_fallback=$BG_PID
if wait_ready fallback; then
  workload_run
  bg_stop fallback INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_contains "kprobe:do_sys_openat2 counts exactly as fentry" "$OUT" \
    "@calls[kprobe:do_sys_openat2]: $N"
  assert_contains "kretprobe retval as fexit" "$OUT" "@ok[true]: $N"
  assert_contains "-v says the kprobe runs as fentry" "$ERR" \
    "this kernel has no kprobes: kprobe:do_sys_openat2 runs as fentry:do_sys_openat2"
  assert_contains "-v says the kretprobe runs as fexit" "$ERR" \
    "kretprobe:do_sys_openat2 runs as fexit:do_sys_openat2"
fi
finish
