#!/usr/bin/env bash
# Signals: SIGINT, SIGTERM and SIGHUP each run END, print the maps, detach and exit 0; afterwards nothing of
# the run is left in the kernel. While bpfscope runs, the test records the ids of the BPF programs,
# maps and links it holds (from /proc/PID/fdinfo); after it exits each id must be gone (asked with
# the bpf(2) *_GET_FD_BY_ID commands, which fail with ENOENT once the object is freed), no process
# may hold them, and tracefs' dynamic/kprobe/uprobe event lists must be unchanged. SIGKILL: the
# kernel must clean up the same way (no tracefs event left behind by a crashed run).
source "$(dirname "$0")/lib.sh"

TRACEFS=/sys/kernel/tracing
tracefs_events() {
  local f
  for f in dynamic_events kprobe_events uprobe_events; do
    [ -r "$TRACEFS/$f" ] && { echo "== $f"; cat "$TRACEFS/$f"; }
  done
}

# bpf_ids PID: "prog N", "map N", "link N" for every BPF object PID holds a file descriptor on.
bpf_ids() {
  local f
  for f in /proc/"$1"/fdinfo/*; do
    awk '/^prog_id:/ { print "prog", $2 } /^map_id:/ { print "map", $2 } /^link_id:/ { print "link", $2 }' "$f" 2>/dev/null
  done | sort -u
}

# bpf_alive < "kind id" lines: prints those that still exist in the kernel.
bpf_alive() {
  "$PYTHON" -c '
import ctypes, errno, os, platform, struct, sys
nr = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "s390x": 351, "ppc64le": 361}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
cmd = {"prog": 13, "map": 14, "link": 30}   # BPF_{PROG,MAP,LINK}_GET_FD_BY_ID
for line in sys.stdin:
    kind, ident = line.split()
    attr = ctypes.create_string_buffer(struct.pack("<III", int(ident), 0, 0), 16)
    fd = libc.syscall(nr, cmd[kind], attr, 16)
    if fd >= 0:
        os.close(fd)
        print(kind, ident)
    elif ctypes.get_errno() != errno.ENOENT:
        print(kind, ident, "(error %s)" % os.strerror(ctypes.get_errno()))
'
}

# check_gone NAME IDS: after bpfscope exited, poll (up to 3 s: freeing can be deferred) until none
# of IDS is alive.
check_gone() {
  local name=$1 ids=$2 alive i
  for ((i = 0; i < 300; i++)); do
    alive=$(printf '%s\n' "$ids" | bpf_alive)
    [ -z "$alive" ] && break
    sleep 0.01
  done
  assert_eq "$name: every BPF program, map and link of the run is freed" "" "$alive"
}

[ -n "$PYTHON" ] || { fail "python3 is needed to query bpf object ids"; finish; }
events_before=$(tracefs_events)

for sig in INT TERM HUP; do
  workload_start e2esig ": < /dev/null; : < /dev/null; : < /dev/null; exit 0" || finish
  bg_start "sig$sig" -e "BEGIN { @b = 1; } tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @c = count(); } END { printf(\"end ran\\n\"); }"
  wait_attached "sig$sig" || continue
  pid_var="BG_PID_sig$sig"
  pid=${!pid_var}
  ids=$(bpf_ids "$pid")
  # "Attached" means attached: the programs are loaded and hooked up (a BPF link, or a perf event
  # carrying the program on kernels without perf links) by the time the line is printed.
  nprog=$(printf '%s\n' "$ids" | grep -c '^prog')
  nlink=$(printf '%s\n' "$ids" | grep -c '^link')
  nperf=$(for l in /proc/"$pid"/fd/*; do readlink "$l"; done 2>/dev/null | grep -c 'perf_event')
  if [ "$nprog" -ge 1 ] && [ $((nlink + nperf)) -ge 1 ]; then
    pass "SIG$sig: at 'Attached', bpfscope holds $nprog programs, $nlink links, $nperf perf events"
  else
    fail "SIG$sig: at 'Attached', bpfscope should hold its programs and their attachments" \
      "$ids
perf events: $nperf"
  fi
  workload_run
  bg_stop "sig$sig" "$sig"
  assert_rc "SIG$sig: exit status" 0 "$RC"
  assert_eq "SIG$sig: END runs, then the maps are printed" "end ran


@b: 1
@c: 3" "$OUT"
  assert_not_contains "SIG$sig: no error on stderr" "$ERR" "ERROR"
  if kill -0 "$pid" 2>/dev/null; then
    fail "SIG$sig: bpfscope process $pid still exists"
  else
    pass "SIG$sig: bpfscope process is gone"
  fi
  check_gone "SIG$sig" "$ids"
  assert_eq "SIG$sig: tracefs dynamic/kprobe/uprobe events unchanged" "$events_before" "$(tracefs_events)"
done

# A second SIGINT while the first is being handled must not leave the kernel dirty either, and the
# exit status stays 0. (bpftrace: the maps are printed once.)
bg_start twice -e 'tracepoint:raw_syscalls:sys_enter { @ = count(); }'
if wait_attached twice; then
  ids=$(bpf_ids "$BG_PID")
  kill -INT "$BG_PID"
  kill -INT "$BG_PID" 2>/dev/null
  bg_wait twice 10
  assert_rc "two SIGINTs in a row: exit status" 0 "$RC"
  n=$(printf '%s\n' "$OUT" | grep -c '^@: ')
  assert_eq "two SIGINTs in a row: the map is printed once" "1" "$n"
  check_gone "two SIGINTs" "$ids"
fi

# SIGKILL: no chance to clean up; closing the descriptors must be enough (no tracefs event, no
# pinned object, nothing held by another process).
bg_start kill9 -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } profile:hz:49 { @p = count(); } interval:s:5 { exit(); }'
if wait_attached kill9; then
  ids=$(bpf_ids "$BG_PID")
  kill -KILL "$BG_PID"
  bg_wait kill9 5
  assert_rc "SIGKILL: killed" 137 "$RC"
  check_gone "SIGKILL" "$ids"
  assert_eq "SIGKILL: tracefs dynamic/kprobe/uprobe events unchanged" "$events_before" "$(tracefs_events)"
  # Nobody else picked the objects up (e.g. a helper process that outlived the killed one).
  holders=$(for f in /proc/[0-9]*/fdinfo/*; do
    awk -v f="$f" '/^prog_id:/ { print "prog", $2, f } /^map_id:/ { print "map", $2, f } /^link_id:/ { print "link", $2, f }' "$f" 2>/dev/null
  done | awk 'NR == FNR { ours[$1 " " $2] = 1; next } ($1 " " $2) in ours' <(printf '%s\n' "$ids") -)
  assert_eq "SIGKILL: no process holds the run's BPF objects" "" "$holders"
fi

finish
