#!/usr/bin/env bash
# path() (bpf_d_path) on fentry:filp_close, one of the functions the kernel allows it in: a
# workload opens and closes a marker file N times, and path() of the closed file's f_path (a
# struct path inside struct file) is the file's full path each time; with a size of 128 too.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=3
MARKER=$(realpath "$TMPD")/path_marker_file
echo data >"$MARKER"
pyworkload_start "for _ in range($N):
    os.close(os.open('$MARKER', os.O_RDONLY))" || finish
bg_start dpath -e "fentry:filp_close /pid == $WL_PID/ {
  @paths[path(args.filp->f_path)] = count();
}
fentry:filp_close /pid == $WL_PID/ {
  @sized[path(args.filp->f_path, 128)] = count();
}
$READY_PROBE"
if wait_ready dpath; then
  workload_run
  bg_stop dpath INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_contains "the closed file's full path, N times" "$(without_ready "$OUT")" \
    "@paths[$MARKER]: $N"
  assert_contains "the same in a 128-byte string" "$(without_ready "$OUT")" "@sized[$MARKER]: $N"
fi

finish
