#!/usr/bin/env bash
# A fresh machine has no tracefs mounted: bpfscope must mount it itself. In a private mount
# namespace (unshare --mount --propagation private) the test unmounts /sys/kernel/tracing (and
# debugfs, whose tracing/ directory is another way in), checks it is really gone, then runs a
# tracepoint one-liner, -l and a tracepoint with args, all of which need tracefs' ids and formats.
# The host's mounts are left as they were.
source "$(dirname "$0")/lib.sh"

TRACEFS=/sys/kernel/tracing

if [ "${1:-}" != "--inner" ]; then
  command -v unshare >/dev/null || skip "unshare(1) is not installed"
  if ! unshare --mount --propagation private true 2>"$TMPD/unshare.err"; then
    skip "cannot create a mount namespace here: $(cat "$TMPD/unshare.err")"
  fi
  host_mounts=$(grep -E ' (tracefs|debugfs) ' /proc/self/mounts | sort)
  unshare --mount --propagation private bash "$0" --inner
  rc=$?
  assert_eq "the host's tracefs/debugfs mounts are unchanged" "$host_mounts" \
    "$(grep -E ' (tracefs|debugfs) ' /proc/self/mounts | sort)"
  [ "$rc" == 0 ] || fail "checks inside the mount namespace failed (exit $rc)"
  finish
fi

# --- inside the private mount namespace -----------------------------------------------------
for ((i = 0; i < 10; i++)); do
  mps=$(awk '$3 == "tracefs" || $3 == "debugfs" { print $2 }' /proc/self/mounts | sort -r)
  [ -z "$mps" ] && break
  for mp in $mps; do umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null; done
done
if awk '$3 == "tracefs" || $3 == "debugfs"' /proc/self/mounts | grep -q .; then
  fail "could not unmount tracefs/debugfs in the namespace" "$(grep -E 'tracefs|debugfs' /proc/self/mounts)"
  finish
fi
if [ -e "$TRACEFS/events" ]; then
  fail "$TRACEFS/events still exists after unmounting tracefs"
  finish
fi
pass "tracefs and debugfs unmounted in the namespace"

workload_start e2efresh ": < /dev/null; : < /dev/null; exit 0" || finish
bg_start fresh -e "tracepoint:syscalls:sys_enter_openat /pid == $WL_PID/ { @[comm] = count(); @f = str(args.filename); }"
if wait_attached fresh; then
  workload_run
  bg_stop fresh INT
  assert_rc "tracepoint one-liner without tracefs mounted beforehand" 0 "$RC"
  assert_eq "the tracepoint fired with its args decoded" "

@[e2efresh]: 2
@f: /dev/null" "$OUT"
fi
assert_match "bpfscope mounted tracefs at $TRACEFS" "$(awk '$3 == "tracefs" { print $2 }' /proc/self/mounts)" \
  "^$TRACEFS\$"

# Again from scratch for -l: unmount what bpfscope mounted.
umount "$TRACEFS" 2>/dev/null
bps -l 'tracepoint:syscalls:sys_enter_openat'
assert_rc "-l without tracefs mounted beforehand" 0 "$RC"
assert_eq "-l finds the tracepoint" "tracepoint:syscalls:sys_enter_openat" "$OUT"

umount "$TRACEFS" 2>/dev/null
bps -e 'tracepoint:sched:sched_process_exit { @ = count(); } interval:ms:200 { exit(); }'
assert_rc "a tracepoint + interval program without tracefs mounted beforehand" 0 "$RC"
assert_match "it attached both probes" "$ERR" '^Attached 2 probes'

finish
