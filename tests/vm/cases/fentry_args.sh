#!/usr/bin/env bash
# fentry arguments by name through BTF (a signed int and a user string), fexit's retval (typed
# from BTF: an `int` function's -ENOENT is -2 without a cast), func, and -v.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=6
M=2
echo data >"$TMPD/file"
# The opens, then M stat()s of the missing file: newfstatat -> vfs_fstatat, an `int` function.
pyworkload_start "fds = [os.open('$TMPD/file', os.O_RDONLY) for _ in range($N)]
for _ in range($M):
    try:
        os.open('$TMPD/missing', os.O_RDONLY)
    except FileNotFoundError:
        pass
for _ in range($M):
    try:
        os.stat('$TMPD/missing')
    except FileNotFoundError:
        pass" || finish
bg_start fentry -v -e "fentry:do_sys_openat2 /pid == $WL_PID/ { @args[str(args.filename), args.dfd] = count(); @func[func] = count(); }
fexit:do_sys_openat2 /pid == $WL_PID/ { @ret[(int64)retval] = count(); @same[str(args.filename) == str(arg1)] = count(); }
fexit:vfs_fstatat /pid == $WL_PID && str(args.filename) == \"$TMPD/missing\"/ { @stat[retval] = count(); }
$READY_PROBE"
if wait_ready fentry; then
  workload_run
  bg_stop fentry INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  OUT=$(without_ready "$OUT")
  # os.open() is openat(AT_FDCWD, ...): dfd is -100, read as the signed int BTF says it is.
  assert_contains "args.filename and args.dfd (signed int) by name" "$OUT" \
    "@args[$TMPD/file, -100]: $N"
  assert_contains "args for the missing file" "$OUT" "@args[$TMPD/missing, -100]: $M"
  assert_contains "func is the traced function" "$OUT" "@func[do_sys_openat2]: $((N + M))"
  assert_contains "fexit retval: -ENOENT" "$OUT" "@ret[-2]: $M"
  fds=$(printf '%s\n' "$OUT" | grep -cE '^@ret\[[0-9]+\]: 1$')
  assert_eq "fexit retval: $N distinct file descriptors" $N "$fds"
  assert_contains "fexit sees the arguments too (args.filename == arg1)" "$OUT" \
    "@same[true]: $((N + M))"
  assert_contains "fexit retval of an int function is signed, as BTF says" "$OUT" "@stat[-2]: $M"
  assert_match "-v: the programs are tracing programs" "$(cat "$TMPD/fentry.err")" \
    '^Program fentry:do_sys_openat2: type tracing'
fi
finish
