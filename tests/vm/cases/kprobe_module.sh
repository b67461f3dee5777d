#!/usr/bin/env bash
# Probes on a module's function: the guest's root file system is 9p, so opening a file there runs
# the 9p module's v9fs_file_open. kprobe:MODULE:FUNCTION goes through kallsyms' "module:symbol",
# fentry:MODULE:FUNCTION through the module's own (split) BTF.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

if ! grep -q '^v9fs_file_open \[9p\]' /sys/kernel/tracing/available_filter_functions; then
  skip "this kernel's 9p module has no traceable v9fs_file_open"
fi
N=3
open_workload "$SRCDIR/CMakeLists.txt" $N "$TMPD/missing" 0 || finish
bg_start module -e "kprobe:9p:v9fs_file_open /pid == $WL_PID/ { @k[probe, func] = count(); }
fentry:9p:v9fs_file_open /pid == $WL_PID/ { @f[probe, args.inode != 0] = count(); }
$READY_PROBE"
if wait_ready module; then
  workload_run
  bg_stop module INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_contains "kprobe:9p:v9fs_file_open counts each open" "$OUT" \
    "@k[kprobe:9p:v9fs_file_open, v9fs_file_open]: $N"
  assert_contains "fentry:9p:v9fs_file_open, with its arguments from the module's BTF" "$OUT" \
    "@f[fentry:9p:v9fs_file_open, true]: $N"
fi

bps -l 'kprobe:9p:v9fs_file_o*'
assert_eq "-l names the module" "kprobe:9p:v9fs_file_open" "$OUT"
finish
