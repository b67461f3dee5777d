#!/usr/bin/env bash
# Module BTF: struct p9_fid exists only in the 9pnet module's own (split) BTF, not in vmlinux.
# Opening a file on the guest's 9p root calls 9pnet's p9_client_open(struct p9_fid *fid, int
# mode): fentry's args.fid is typed from the module's BTF, -lv prints it, and a kprobe's cast to
# (struct p9_fid *) finds the struct in the module; so is the fid of 9pnet's raw tracepoint
# 9p_fid_ref.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

if ! grep -q '^p9_client_open \[9pnet\]' /sys/kernel/tracing/available_filter_functions; then
  skip "this kernel's 9pnet module has no traceable p9_client_open"
fi
if [ ! -e /sys/kernel/btf/9pnet ]; then
  skip "the 9pnet module has no BTF (/sys/kernel/btf/9pnet)"
fi

bps -lv 'fentry:9pnet:p9_client_open'
assert_eq "-lv: the module function's arguments, typed from its BTF" "fentry:9pnet:p9_client_open
    struct p9_fid * fid
    int mode" "$OUT"

N=3
open_workload "$SRCDIR/CMakeLists.txt" $N "$TMPD/missing" 0 || finish
# A regular file's qid.type is P9_QTFILE (0); its fid number is never 0 (the root's is).
bg_start modbtf -e "fentry:p9_client_open /pid == $WL_PID/ {
  @f[args.fid->fid > 0, args.fid->qid.type, sizeof(*args.fid) > 16] = count();
}
rawtracepoint:9pnet:9p_fid_ref /pid == $WL_PID/ { @r[args.fid->fid > 0] = count(); }
kprobe:9pnet:p9_client_open /pid == $WL_PID/ {
  \$fid = (struct p9_fid *)arg0;
  @k[\$fid->fid > 0, \$fid->qid.type] = count();
}
$READY_PROBE"
if wait_ready modbtf; then
  workload_run
  bg_stop modbtf INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_contains "fentry (module found by function name): args.fid->qid.type" "$OUT" \
    "@f[true, 0, true]: $N"
  assert_contains "kprobe: a cast to the module's struct p9_fid" "$OUT" "@k[true, 0]: $N"
  # 9p_fid_ref(struct p9_fid *fid, __u8 type): each open takes and drops fid references.
  assert_match "rawtracepoint of a module's event: args.fid typed" "$OUT" '^@r\[true\]: [0-9]+$'

fi
finish
