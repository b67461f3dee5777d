#!/usr/bin/env bash
# The ready-to-run tools in scripts/tools/*.bt:
#   - every one compiles and loads (--dry-run exits 0)
#   - most of them, run for real against a workload this test starts, print what that workload
#     did: the file it opened, the program it ran, the signal it sent, its sleep, ...
source "$(dirname "$0")/lib.sh"

TOOLS="$SRCDIR/scripts/tools"
# The HH:MM:SS prefix that time() prints (optional in the checks: a time() record emitted just
# before SIGINT can be lost while the printf after it is kept).
TS='([0-9]{2}:[0-9]{2}:[0-9]{2} )?'

# 1. Every tool compiles, passes the verifier and loads.
n_tools=0
for f in "$TOOLS"/*.bt; do
  n_tools=$((n_tools + 1))
  bps --dry-run "$f"
  if [ "$RC" == 0 ]; then
    pass "--dry-run $(basename "$f")"
  elif [[ "$ERR" == *"kprobes are not available"* ]] &&
    [ -e "$SRCDIR/tests/vm/cases/tool_$(basename "$f" .bt).sh" ]; then
    # A fact of this kernel: the tool is run in the QEMU lane (tests/vm/cases/tool_NAME.sh).
    echo "      ($(basename "$f") needs kprobes, which this kernel lacks: tested in the VM lane)"
  else
    fail "--dry-run $(basename "$f") exits $RC" "$ERR"
  fi
done
if [ "$n_tools" -ge 15 ]; then
  pass "$n_tools tools in scripts/tools"
else
  fail "only $n_tools tools in scripts/tools"
fi

# tool_start NAME [ARGS...]: start scripts/tools/NAME.bt in the background, wait for it to attach.
tool_start() {
  local name=$1
  shift
  bg_start "$name" "$TOOLS/$name.bt" "$@"
  wait_attached "$name"
}

# wait_output NAME REGEX: polls NAME's output (up to 5 s) until a line matches REGEX, so that the
# tool is stopped only once it has printed what the workload did. (Records still in the perf
# buffers when SIGINT arrives can be lost today: this keeps the checks about the tools.)
wait_output() {
  local name=$1 regex=$2 i
  for ((i = 0; i < 500; i++)); do
    grep -Eq -- "$regex" "$TMPD/$name.out" 2>/dev/null && return 0
    sleep 0.01
  done
  echo "      ($name: no line matching /$regex/ after 5 s)"
  return 1
}

# 2. opensnoop: a failed and a successful open of uniquely named files.
MISSING="$TMPD/opensnoop-missing-$RANDOM"
PRESENT="$TMPD/opensnoop-present-$RANDOM"
: >"$PRESENT"
pyworkload_start "
try:
    os.open('$MISSING', os.O_RDONLY)
except OSError:
    pass
fd = os.open('$PRESENT', os.O_RDONLY)
os._exit(0)" || finish
if tool_start opensnoop; then
  workload_run
  wait_output opensnoop "^$WL_PID +python3 +[0-9]+ +0 $PRESENT\$"
  bg_stop opensnoop INT
  assert_rc "opensnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "opensnoop: the missing file, fd -1, errno 2 (ENOENT)" "$OUT" \
    "^$WL_PID +python3 +-1 +2 $MISSING\$"
  assert_match "opensnoop: the present file, a descriptor, no error" "$OUT" \
    "^$WL_PID +python3 +[0-9]+ +0 $PRESENT\$"
fi

# 3. execsnoop: a uniquely named program.
EXE="$TMPD/e2esnoopexe$RANDOM"
cp "$(type -P true)" "$EXE"
workload_start e2eexecer "exec '$EXE'" || finish
if tool_start execsnoop; then
  workload_run
  wait_output execsnoop "$EXE\$"
  bg_stop execsnoop INT
  assert_rc "execsnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "execsnoop: pid, old pid, new comm and path of the exec" "$OUT" \
    "^[0-9]+ +$WL_PID +$WL_PID +$(basename "$EXE" | cut -c1-15) +$EXE\$"
fi

# 4. killsnoop: SIGWINCH to a live process (0), SIGKILL to a pid that does not exist (-3 ESRCH).
sleep 30 &
TARGET=$!
EXTRA_PIDS+=("$TARGET")
pyworkload_start "
os.kill($TARGET, 28)
try:
    os.kill(99999999, 9)
except OSError:
    pass
os._exit(0)" || finish
if tool_start killsnoop; then
  workload_run
  wait_output killsnoop "99999999 +-3\$"
  bg_stop killsnoop INT
  assert_rc "killsnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "killsnoop: signal 28 (SIGWINCH, ignored) to the target pid, result 0" "$OUT" \
    "^$TS$WL_PID +python3 +28 +$TARGET +0\$"
  assert_match "killsnoop: signal 9 to a missing pid, result -3" "$OUT" \
    "^$TS$WL_PID +python3 +9 +99999999 +-3\$"
fi
kill "$TARGET" 2>/dev/null
wait "$TARGET" 2>/dev/null

# 5. statsnoop: stat of a missing and of a present file.
pyworkload_start "
try:
    os.stat('$MISSING')
except OSError:
    pass
os.stat('$PRESENT')
os._exit(0)" || finish
if tool_start statsnoop; then
  workload_run
  wait_output statsnoop "^$WL_PID +python3 +0 $PRESENT\$"
  bg_stop statsnoop INT
  assert_rc "statsnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "statsnoop: the missing file, errno 2" "$OUT" "^$WL_PID +python3 +2 $MISSING\$"
  assert_match "statsnoop: the present file, no error" "$OUT" "^$WL_PID +python3 +0 $PRESENT\$"
fi

# 6. syncsnoop: fsync and fdatasync.
pyworkload_start "
fd = os.open('$PRESENT', os.O_WRONLY)
os.fsync(fd)
os.fdatasync(fd)
os._exit(0)" || finish
if tool_start syncsnoop; then
  workload_run
  wait_output syncsnoop "$WL_PID +python3 +tracepoint:syscalls:sys_enter_fdatasync\$"
  bg_stop syncsnoop INT
  assert_rc "syncsnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "syncsnoop: fsync" "$OUT" "^$TS$WL_PID +python3 +tracepoint:syscalls:sys_enter_fsync\$"
  assert_match "syncsnoop: fdatasync" "$OUT" "^$TS$WL_PID +python3 +tracepoint:syscalls:sys_enter_fdatasync\$"
fi

# 7. naptime: a 0.3 s sleep (clock_nanosleep) and a 0.1 s sleep(1) (nanosleep or clock_nanosleep).
workload_start e2enapper "sleep 0.1; exec sleep 0.3" || finish
if tool_start naptime; then
  workload_run
  wait_output naptime "$WL_PID +$WL_PID +sleep +0\\.3[0-9]{2}\$"
  bg_stop naptime INT
  assert_rc "naptime exits 0 on SIGINT" 0 "$RC"
  assert_match "naptime: the 0.3 s sleep, measured" "$OUT" "^$TS$WL_PID +$WL_PID +sleep +0\\.3[0-9]{2}\$"
  assert_match "naptime: the 0.1 s sleep of the child" "$OUT" "^${TS}[0-9]+ +[0-9]+ +sleep +0\\.1[0-9]{2}\$"
fi

# 8. setuids: the three forms, as root to root (nothing changes).
pyworkload_start "
os.setuid(0)
os.setreuid(-1, 0)
os.setresuid(0, -1, 0)
os._exit(0)" || finish
if tool_start setuids; then
  workload_run
  wait_output setuids "$WL_PID +python3 +0 +setresuid"
  bg_stop setuids INT
  assert_rc "setuids exits 0 on SIGINT" 0 "$RC"
  assert_match "setuids: setuid" "$OUT" "^$TS$WL_PID +python3 +0 +setuid +uid=0 +0\$"
  assert_match "setuids: setreuid" "$OUT" "^$TS$WL_PID +python3 +0 +setreuid +ruid=-1 euid=0 0\$"
  assert_match "setuids: setresuid" "$OUT" "^$TS$WL_PID +python3 +0 +setresuid +ruid=0 euid=-1 suid=0 0\$"
fi

# 9. syscount: 300 opens (redirections) by a workload with its own comm.
workload_start e2esyscnt "for ((i = 0; i < 300; i++)); do : </dev/null; done; exit 0" || finish
if tool_start syscount; then
  workload_run
  bg_stop syscount INT
  assert_rc "syscount exits 0 on SIGINT" 0 "$RC"
  n=$(printf '%s\n' "$OUT" | sed -n 's/^@process\[e2esyscnt\]: //p')
  if [ -n "$n" ] && [ "$n" -ge 900 ]; then
    pass "syscount: the workload's calls counted ($n >= 900)"
  else
    fail "syscount: expected @process[e2esyscnt] >= 900, got '${n}'" "$OUT"
  fi
  assert_match "syscount: openat (257) among the top ids" "$OUT" '^@syscall\[257\]: [0-9]+$'
fi

# 10. threadsnoop: three threads started by python.
pyworkload_start "
import threading
ts = [threading.Thread(target=lambda: None) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
os._exit(0)" || finish
if tool_start threadsnoop; then
  workload_run
  for ((i = 0; i < 500; i++)); do
    [ "$(grep -cE "^[0-9]+ +$WL_PID +python3 +[0-9]+\$" "$TMPD/threadsnoop.out")" -ge 3 ] && break
    sleep 0.01
  done
  bg_stop threadsnoop INT
  assert_rc "threadsnoop exits 0 on SIGINT" 0 "$RC"
  n=$(printf '%s\n' "$OUT" | grep -cE "^[0-9]+ +$WL_PID +python3 +[0-9]+\$")
  assert_eq "threadsnoop: three new threads of the workload" 3 "$n"
fi

# 11. pidpersec: 25 forks, counted in the next one-second report.
workload_start e2eforker "for ((i = 0; i < 25; i++)); do (exit 0); done; exit 0" || finish
if tool_start pidpersec; then
  workload_run
  # The count is printed (and cleared) every second: wait for the report after the workload.
  t0=$(grep -c '^@: ' "$TMPD/pidpersec.out")
  for ((i = 0; i < 300; i++)); do
    [ "$(grep -c '^@: ' "$TMPD/pidpersec.out")" -gt "$t0" ] && break
    sleep 0.01
  done
  bg_stop pidpersec INT
  assert_rc "pidpersec exits 0 on SIGINT" 0 "$RC"
  total=$(printf '%s\n' "$OUT" | sed -n 's/^@: //p' | awk '{ s += $1 } END { print s + 0 }')
  if [ "$total" -ge 25 ]; then
    pass "pidpersec: the 25 forks counted ($total in all)"
  else
    fail "pidpersec: expected at least 25 forks, got $total" "$OUT"
  fi
  assert_match "pidpersec: a time stamp per report" "$OUT" '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
fi

# 12. cpuwalk: a busy loop pinned on each CPU.
NCPU=$(nproc)
[ "$NCPU" -gt 4 ] && NCPU=4
if tool_start cpuwalk; then
  spin=()
  for ((c = 0; c < NCPU; c++)); do
    taskset -c "$c" timeout 0.6 bash -c 'while :; do :; done' &
    spin+=($!)
  done
  wait "${spin[@]}" 2>/dev/null
  bg_stop cpuwalk INT
  assert_rc "cpuwalk exits 0 on SIGINT" 0 "$RC"
  for ((c = 0; c < NCPU; c++)); do
    assert_match "cpuwalk: samples on cpu $c" "$OUT" "^\\[$c\\] +[0-9]+ \\|"
  done
fi

# 13. runqlat: any scheduling makes a histogram (a sleeping workload is woken up).
workload_start e2erunq "sleep 0.05; sleep 0.05; exit 0" || finish
if tool_start runqlat; then
  workload_run
  bg_stop runqlat INT
  assert_rc "runqlat exits 0 on SIGINT" 0 "$RC"
  assert_match "runqlat: a latency histogram" "$OUT" '^\[[0-9]+(, [0-9]+[KM]?\))? +[0-9]+ \|@*'
fi

# 14. tcplife and tcpdrop: a loopback session (closed after 100 ms), then a connection to the
#     closed port, refused (the SYN is dropped with reason 3, NO_SOCKET).
pyworkload_start "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
port = s.getsockname()[1]
c = socket.create_connection(('127.0.0.1', port)); a, _ = s.accept()
time.sleep(0.1)
c.close(); a.close(); s.close()
open('$TMPD/port', 'w').write(str(port))
try:
    socket.create_connection(('127.0.0.1', port))
except OSError:
    pass
os._exit(0)" || finish
if tool_start tcplife && tool_start tcpdrop; then
  workload_run
  PORT=$(cat "$TMPD/port")
  wait_output tcplife "^$WL_PID +python3 +4 +[0-9]+ +$PORT +"
  wait_output tcplife "^$WL_PID +python3 +4 +$PORT +"
  wait_output tcpdrop "python3 +IPv4 +3\$"
  bg_stop tcplife INT
  LIFE_OUT=$OUT LIFE_RC=$RC
  bg_stop tcpdrop INT
  assert_rc "tcplife exits 0 on SIGINT" 0 "$LIFE_RC"
  assert_match "tcplife: the client side of the session, ~100 ms" "$LIFE_OUT" \
    "^$WL_PID +python3 +4 +[0-9]+ +$PORT +1[0-9]{2}\$"
  assert_match "tcplife: the server side of the session" "$LIFE_OUT" \
    "^$WL_PID +python3 +4 +$PORT +[0-9]+ +1[0-9]{2}\$"
  assert_rc "tcpdrop exits 0 on SIGINT" 0 "$RC"
  assert_match "tcpdrop: the refused SYN, reason 3 (NO_SOCKET)" "$OUT" \
    "^$TS$WL_PID +python3 +IPv4 +3\$"
  assert_match "tcpdrop: a kernel stack through tcp_v4_rcv" "$OUT" '^ +tcp_v4_rcv\+[0-9]+$'
fi

# 15. bashreadline: an interactive bash on a pseudo-terminal (script(1)) reads a known line.
if ! command -v script >/dev/null; then
  fail "bashreadline: script(1) from util-linux is needed for the pty"
elif tool_start bashreadline; then
  LINE="echo e2e-readline-$RANDOM"
  (sleep 0.3; printf '%s\nexit\n' "$LINE"; sleep 0.5) |
    timeout 10 script -qc "/bin/bash --norc --noprofile -i" /dev/null >/dev/null 2>&1
  wait_output bashreadline " exit\$"
  bg_stop bashreadline INT
  assert_rc "bashreadline exits 0 on SIGINT" 0 "$RC"
  assert_match "bashreadline: the typed line" "$OUT" "^${TS}[0-9]+ +$LINE\$"
  assert_match "bashreadline: the exit typed after it" "$OUT" "^${TS}[0-9]+ +exit\$"
fi

# 16. biolatency and bitesize: direct (uncached) reads of a file on a disk, 64 KiB each.
#     (/tmp may be a tmpfs: the file goes to /var/tmp, else next to the tools.)
BIODIR=/var/tmp
[ "$(stat -f -c %T "$BIODIR" 2>/dev/null)" == tmpfs ] && BIODIR=$SRCDIR/scripts
BIOFILE="$BIODIR/bpfscope-e2e-bio.$$"
cp "$(type -P dd)" "$TMPD/e2edd"
if ! grep -qE '^ *[0-9]+ +[0-9]+ +[0-9]+ +[a-z]' /proc/partitions; then
  echo "      (no block device: biolatency and bitesize checked by --dry-run only)"
elif ! "$TMPD/e2edd" if=/dev/zero of="$BIOFILE" bs=64k count=8 oflag=direct 2>"$TMPD/dd.err"; then
  rm -f "$BIOFILE"
  echo "      (no O_DIRECT file on a disk here: $(cat "$TMPD/dd.err"); biolatency and bitesize checked by --dry-run only)"
elif tool_start biolatency && tool_start bitesize; then
  "$TMPD/e2edd" if="$BIOFILE" of=/dev/null bs=64k count=8 iflag=direct 2>/dev/null
  rm -f "$BIOFILE"
  bg_stop biolatency INT
  BIO_OUT=$OUT BIO_RC=$RC
  bg_stop bitesize INT
  assert_rc "biolatency exits 0 on SIGINT" 0 "$BIO_RC"
  assert_match "biolatency: a latency histogram" "$BIO_OUT" '^@usecs:$'
  assert_match "biolatency: histogram rows" "$BIO_OUT" '^\[[0-9]+(, [0-9]+[KM]?\))? +[0-9]+ \|'
  assert_rc "bitesize exits 0 on SIGINT" 0 "$RC"
  assert_match "bitesize: the 8 reads of 64 KiB by e2edd" \
    "$(printf '%s\n' "$OUT" | grep -A3 '^@\[e2edd\]:')" '^\[64K, 128K\) +8 \|'
else
  rm -f "$BIOFILE"
fi

# 17. writeback: dirty a file on a disk, then syncfs(2) its file system (sync -f): a writeback
#     run with reason "sync".
WBFILE="$BIODIR/bpfscope-e2e-wb.$$"
if [ "$(stat -f -c %T "$BIODIR" 2>/dev/null)" == tmpfs ]; then
  echo "      (no disk file system: writeback checked by --dry-run only)"
elif tool_start writeback; then
  head -c 1048576 /dev/zero >"$WBFILE"
  sync -f "$WBFILE"
  rm -f "$WBFILE"
  wait_output writeback ' sync +[0-9]+\.[0-9]{3}$'
  bg_stop writeback INT
  assert_rc "writeback exits 0 on SIGINT" 0 "$RC"
  assert_match "writeback: a run for the sync, with its device and duration" "$OUT" \
    "^${TS}[^ ]+ +-?[0-9]+ +sync +[0-9]+\\.[0-9]{3}\$"
fi


# 18. gethostlatency: a python workload resolves "localhost" and "127.0.0.1" with getaddrinfo();
#     -p keeps other processes' resolutions out.
if pyworkload_start "
import socket
socket.getaddrinfo('localhost', 80)
socket.getaddrinfo('127.0.0.1', 80)"; then
  bg_start gethostlatency -p "$WL_PID" "$TOOLS/gethostlatency.bt"
  if wait_attached gethostlatency; then
    workload_run
    wait_output gethostlatency ' 127\.0\.0\.1$'
    bg_stop gethostlatency INT
    assert_rc "gethostlatency exits 0 on SIGINT" 0 "$RC"
    assert_eq "gethostlatency: header and one line per resolution, in order" \
      "Tracing getaddr/gethost calls... Hit Ctrl-C to end.
TIME     PID     COMM                LATms HOST
X $WL_PID python3 localhost
X $WL_PID python3 127.0.0.1" \
      "$(printf '%s\n' "$OUT" | sed -E "s/^${TS}([0-9]+) +([^ ]+) +[0-9]+\.[0-9]{2} (.*)\$/X \2 \3 \4/")"
  fi
fi

# 19. ssllatency: a TLS echo over loopback inside one python workload (server thread and client,
#     a self-signed certificate made here): 2 handshakes, and 5 messages each way, each written
#     once and read once (SSL_write_ex/SSL_read_ex from Python's ssl module).
if [ ! -e /usr/lib/x86_64-linux-gnu/libssl.so.3 ] && ! ls /usr/lib/x86_64-linux-gnu/libssl.so.* \
  >/dev/null 2>&1; then
  echo "      (libssl is not installed: ssllatency checked by --dry-run only)"
elif ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/key.pem" -out "$TMPD/cert.pem" \
  -days 1 -subj /CN=localhost >/dev/null 2>&1; then
  fail "ssllatency: openssl cannot make a test certificate"
elif pyworkload_start "
import socket, ssl, threading
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
srv.load_cert_chain('$TMPD/cert.pem', '$TMPD/key.pem')
cli = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cli.load_verify_locations('$TMPD/cert.pem')
ls = socket.socket()
ls.bind(('127.0.0.1', 0))
ls.listen(1)
def serve():
    conn, _ = ls.accept()
    with srv.wrap_socket(conn, server_side=True) as s:
        for _ in range(5):
            s.sendall(s.recv(100))
t = threading.Thread(target=serve)
t.start()
with cli.wrap_socket(socket.create_connection(ls.getsockname()), server_hostname='localhost') as c:
    for i in range(5):
        c.sendall(b'ping%d' % i)
        assert c.recv(100) == b'ping%d' % i
t.join()"; then
  bg_start ssllatency -p "$WL_PID" "$TOOLS/ssllatency.bt"
  if wait_attached ssllatency; then
    workload_run
    assert_rc "ssllatency: the TLS workload succeeds" 0 "$WL_RC"
    bg_stop ssllatency INT
    assert_rc "ssllatency exits 0 on SIGINT" 0 "$RC"
    # Calls per function: the sum of each histogram's counts.
    calls=$(printf '%s\n' "$OUT" | awk '/^@us\[/ { f = $0 }
      /^\[/ && f { sub(/^\[[^])]*[])] +/, ""); n[f] += $1 }
      END { for (k in n) print k, n[k] }' | sort)
    assert_eq "ssllatency: 2 handshakes, 10 reads and 10 writes, none failed" \
      "@us[SSL_do_handshake]: 2
@us[SSL_read_ex]: 10
@us[SSL_write_ex]: 10" "$calls"
    assert_not_contains "ssllatency: no failed call" "$OUT" "@failed"
  fi
fi

# 20. biosnoop: three synchronous direct writes of 4 KiB by "e2edd" to a file on a disk, each a
#     line with the file system's device, e2edd's pid, a write rwbs and 4096 bytes.
BSFILE="$BIODIR/bpfscope-e2e-biosnoop.$$"
if ! grep -qE '^ *[0-9]+ +[0-9]+ +[0-9]+ +[a-z]' /proc/partitions; then
  echo "      (no block device: biosnoop checked by --dry-run only)"
elif [ "$(stat -f -c %T "$BIODIR" 2>/dev/null)" == tmpfs ]; then
  echo "      (no disk file system: biosnoop checked by --dry-run only)"
elif tool_start biosnoop; then
  "$TMPD/e2edd" if=/dev/zero of="$BSFILE" bs=4k count=3 oflag=direct,sync 2>/dev/null &
  DD_PID=$!
  wait "$DD_PID"
  # The major number of the file system's device (stat -c %D prints st_dev in hex).
  DEV_MAJ=$((($(printf '%d' "0x$(stat -c %D "$BSFILE")") >> 8) & 0xfff))
  rm -f "$BSFILE"
  # (a file system on a partition is written through it: the whole disk may be what the
  # tracepoint names, so only the major number is pinned)
  for ((i = 0; i < 500; i++)); do # until the three writes are printed (up to 5 s)
    [ "$(grep -c -E "e2edd +$DD_PID +W" "$TMPD/biosnoop.out")" -ge 3 ] && break
    sleep 0.01
  done
  bg_stop biosnoop INT
  assert_rc "biosnoop exits 0 on SIGINT" 0 "$RC"
  assert_match "biosnoop: the header" "$OUT" '^TIME\(ms\) +DEV +COMM +PID +RWBS +SECTOR +BYTES +LAT\(us\)$'
  assert_match "biosnoop: e2edd's 4 KiB writes, with device, pid and latency" \
    "$(grep -c -E "^[0-9]+ +$DEV_MAJ:[0-9]+ +e2edd +$DD_PID +W[A-Z]* +[0-9]+ +4096 +[0-9]+\$" <<<"$OUT")" '^([3-9]|[1-9][0-9]+)$'
fi

finish
