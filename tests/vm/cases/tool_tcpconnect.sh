#!/usr/bin/env bash
# scripts/tools/tcpconnect.bt: kprobe:tcp_connect reading struct sock through BTF. A python
# workload connects to a closed port on 127.0.0.1 (the SYN is sent, then refused); the line shows
# its pid, comm and both ends, the source port being the one the socket got.
source "$SRCDIR/tests/e2e/lib.sh"
source "$SRCDIR/tests/vm/vmlib.bash"

ip link set lo up 2>/dev/null || skip "cannot bring the loopback interface up"
PORT=9
pyworkload_start "import socket
s = socket.socket()
try:
    s.connect(('127.0.0.1', $PORT))
except OSError:
    pass
print(s.getsockname()[1], flush=True)" || finish
bg_start tool "$SRCDIR/scripts/tools/tcpconnect.bt"
if wait_attached tool; then
  sleep 2 # TCG: let the probe be in place for sure
  kill -CONT "$WL_PID"
  wait "$WL_PID"
  sleep 1
  bg_stop tool INT
  assert_rc "tcpconnect exits 0 on SIGINT" 0 "$RC"
  assert_contains "the header" "$OUT" "TIME     PID     COMM             SOURCE -> DESTINATION"
  assert_match "the connection: pid, comm, 127.0.0.1:SPORT -> 127.0.0.1:$PORT" "$OUT" \
    "^[0-9:]{8} $WL_PID +python3 +127\.0\.0\.1:[1-9][0-9]* -> 127\.0\.0\.1:$PORT\$"
fi
finish
