#!/usr/bin/env bash
# join() gives each string max_strlen bytes (its NUL included), as bpftrace sizes join's
# arguments: a 100-byte argument of a program the workload executes is joined whole with
# max_strlen = 128 and cut to 63 bytes with the default 64.
source "$(dirname "$0")/lib.sh"

ARG=$(printf 'x%.0s' {1..100})
for strlen in 128 64; do
  workload_start joinwl "exec /bin/echo $ARG short >/dev/null" || finish
  bg_start "join_$strlen" -e "config = { max_strlen = $strlen } tracepoint:syscalls:sys_enter_execve /pid == $WL_PID/ { join(args.argv, \"|\"); exit(); }"
  if wait_attached "join_$strlen"; then
    workload_run
    bg_wait "join_$strlen" 10
    if [ "$strlen" == 128 ]; then
      assert_eq "max_strlen 128: the 100-byte argument whole" "/bin/echo|$ARG|short" "$OUT"
    else
      assert_eq "max_strlen 64: the argument cut to 63 bytes" "/bin/echo|${ARG:0:63}|short" "$OUT"
    fi
  fi
done

finish
