#!/usr/bin/env bash
# A kernel without BTF (hidden in a private mount namespace, like the kprobe PMU in
# kprobe_fallback.sh): rawtracepoint falls back to a plain BPF_PROG_TYPE_RAW_TRACEPOINT program
# with arg0..N and still counts exactly; fentry says it needs BTF; and with kprobes hidden too,
# a kprobe says that nothing can run it.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

NR_GETPPID=110 # x86-64
N=6
cat >"$TMPD/hidden.sh" <<EOS
mount -t tmpfs none /sys/kernel/btf || exit 3
[ "\$HIDE_KPROBES" != 1 ] || mount -t tmpfs none /sys/bus/event_source/devices/kprobe || exit 3
exec "$BPFSCOPE" "\$@"
EOS

pyworkload_start "for _ in range($N):
    os.getppid()" || finish
unshare -m bash "$TMPD/hidden.sh" -v -e "rawtracepoint:sys_enter /pid == $WL_PID && arg1 == $NR_GETPPID/ { @ = count(); }
$READY_PROBE" </dev/null >"$TMPD/raw.out" 2>"$TMPD/raw.err" &
BG_PID_raw=$!
BG_PIDS+=("$BG_PID_raw")
if wait_ready raw; then
  workload_run
  bg_stop raw INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "a plain raw tracepoint counts every getppid()" "@: $N" \
    "$(without_ready "$OUT" | grep '^@')"
  assert_match "-v: a raw_tracepoint program" "$ERR" \
    '^Program rawtracepoint:sys_enter: type raw_tracepoint'
  assert_not_contains "-v: not tp_btf" "$ERR" "tp_btf"
fi

unshare -m bash "$TMPD/hidden.sh" -e 'fentry:do_sys_openat2 { }' </dev/null >"$TMPD/last.out" 2>"$TMPD/last.err"
assert_rc "fentry without BTF is an error" 1 "$?"
assert_contains "fentry says it needs BTF" "$(cat "$TMPD/last.err")" \
  "ERROR: fentry probes need BTF, and this kernel has no BTF (/sys/kernel/btf/vmlinux: No such file or directory)"

HIDE_KPROBES=1 unshare -m bash "$TMPD/hidden.sh" -e 'kprobe:do_sys_openat2 { }' </dev/null \
  >"$TMPD/last.out" 2>"$TMPD/last.err"
assert_rc "kprobe without kprobes nor BTF is an error" 1 "$?"
assert_contains "the error names both" "$(cat "$TMPD/last.err")" \
  "ERROR: kprobes are not available: this kernel was built without CONFIG_KPROBES (no /sys/bus/event_source/devices/kprobe), and this kernel has no BTF (/sys/kernel/btf/vmlinux: No such file or directory) to run it as fentry instead"
assert_contains "and names the tracepoint to use" "$(cat "$TMPD/last.err")" \
  "HINT: trace the system call with tracepoint:syscalls:sys_enter_openat2"
finish
