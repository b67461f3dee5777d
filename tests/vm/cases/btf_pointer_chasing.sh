#!/usr/bin/env bash
# Kernel types from BTF on kernel-function probes: fentry's typed args chased through pointers
# and embedded structs, the same path from a kprobe's arg0 cast to (struct path *), a typed
# fexit retval (struct file *), and -lv printing a function's signature.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=4
echo data >"$TMPD/btf_marker_file"
pyworkload_start "for _ in range($N):
    os.close(os.open('$TMPD/btf_marker_file', os.O_RDONLY))" || finish
bg_start chase -e "fentry:vfs_open /pid == $WL_PID/ {
  @fentry[str(args.path->dentry->d_name.name)] = count();
}
fexit:vfs_open /pid == $WL_PID/ {
  // vfs_open() has set file->f_path (a struct path embedded in struct file) by now.
  @fexit_args[args.file->f_path.dentry == args.path->dentry, retval] = count();
}
kprobe:vfs_open /pid == $WL_PID/ {
  \$p = (struct path *)arg0;
  @kprobe[str(\$p->dentry->d_name.name), \$p->dentry->d_name.len] = count();
}
fexit:do_filp_open /pid == $WL_PID/ {
  @fexit[str(retval->f_path.dentry->d_name.name)] = count();
}
$READY_PROBE"
if wait_ready chase; then
  workload_run
  bg_stop chase INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  assert_contains "fentry: args.path->dentry->d_name.name" "$OUT" "@fentry[btf_marker_file]: $N"
  assert_contains "fexit: args.file->f_path, a struct embedded in struct file" "$OUT" \
    "@fexit_args[true, 0]: $N"
  assert_contains "kprobe: the same through a cast of arg0" "$OUT" \
    "@kprobe[btf_marker_file, 15]: $N"
  assert_contains "fexit: retval typed as struct file *" "$OUT" "@fexit[btf_marker_file]: $N"
fi

bps -lv 'fentry:vfs_open'
assert_eq "-lv prints the arguments of an fentry function" "fentry:vfs_open
    const struct path * path
    struct file * file" "$OUT"
finish
