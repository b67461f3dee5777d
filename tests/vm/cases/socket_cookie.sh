#!/usr/bin/env bash
# socket_cookie() on an fentry probe's struct sock * argument: a workload writes N times into one
# end of a Unix socket pair; the kernel wakes the other end (sock_def_readable) each time, and
# that socket's cookie is the same non-zero number every time.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

N=3
pyworkload_start "import socket
a, b = socket.socketpair()
for _ in range($N):
    a.send(b'x')" || finish
bg_start cookie -e "fentry:sock_def_readable /pid == $WL_PID/ {
  \$c = socket_cookie(args.sk);
  if (@first == 0) { @first = \$c; }
  @same[\$c != 0 && \$c == @first] = count();
}
END { clear(@first); }
$READY_PROBE"
if wait_ready cookie; then
  workload_run
  bg_stop cookie INT
  assert_rc "SIGINT ends bpfscope" 0 "$RC"
  assert_eq "one non-zero cookie, the same for every wakeup" "@same[true]: $N" \
    "$(without_ready "$OUT" | grep '^@')"
fi

finish
